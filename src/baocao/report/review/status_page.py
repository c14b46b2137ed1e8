"""The office's status page: `_output/<period>/tinh-hinh-nop.html`, one row per unit.

In: what the run wrote (`data/processed/<period>/`: `status.csv`, each unit's status with its
findings, `tiep-nhan.json` with the versions and locks: `run.received.write_receipts`), the
period's unit list and today's date. Out: one self-contained HTML file (no network: its style,
its sorting script and its chart are inline) that a phone reads as well as a desk: per unit its
state, whether it sent on time or how late, its versions, its open and checked findings, and
whether its figures are locked (chốt); the period's rates; and a chart of the units' first
files against the deadline. Published with the run's other outputs (`pipeline`: the same
staged generation), so an interrupted run leaves the previous page whole.

Checked findings: a finding of a unit's status with a `checked_note` (marked by the analyst in
`config/checked-<period>.yml`, `config.checked.checked_state`) counts as checked, any other as
open (`finding_counts`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units
from baocao.run.deadlines import UnitReceipt, rates, unit_receipts
from baocao.run.receipts import Receipt
from baocao.run.received import RECEIPTS_FILE
from baocao.run.store import read_json, read_unit_status
from baocao.unit.states import STATE_MISSING

PAGE_NAME = "tinh-hinh-nop.html"


def finding_counts(status: dict | None) -> tuple[int, int]:
    """(open, checked) errors and warnings of a unit's status (`store.write_unit`): an issue
    with a `checked_note` (`config.checked.checked_state`) is checked, any other open."""
    issues = [i for i in (status or {}).get("issues") or [] if isinstance(i, dict)]
    found = [i for i in issues if i.get("severity") in ("error", "warning")]
    checked = sum(i.get("checked_note") is not None for i in found)
    return len(found) - checked, checked


@dataclass(frozen=True)
class PageRow:
    """One unit's row of the page."""

    receipt: UnitReceipt
    state: str
    open_findings: int
    checked_findings: int
    locked: str  # "bản 1", "cả kỳ", or ""


def page_rows(paths: ProjectPaths, period: str, today: date) -> tuple[list[PageRow], date | None]:
    """The page's rows from the processed period (see the module's text), and the deadline."""
    processed = paths.processed_period(period)
    units = load_units(paths.config).for_period(period)
    record = read_json(processed / RECEIPTS_FILE) or {}
    deadline = date.fromisoformat(record["deadline"]) if record.get("deadline") else None
    by_unit = record.get("units") or {}
    fields = set(Receipt.__dataclass_fields__)
    ledger = tuple(
        Receipt(**{k: v for k, v in version.items() if k in fields})
        for unit in by_unit.values()
        for version in unit.get("versions") or []
    )
    statuses = {u.code: read_unit_status(processed, u.code) for u in units}
    sent = {code for code, s in statuses.items() if s and s.get("state") != STATE_MISSING}
    rows = []
    for receipt in unit_receipts(units, ledger, sent, deadline, today):
        status = statuses.get(receipt.unit_code)
        lock = (by_unit.get(receipt.unit_code) or {}).get("lock")
        locked = ""
        if lock:
            locked = "cả kỳ" if lock.get("whole_period") else f"bản {lock.get('version')}"
        opened, checked = finding_counts(status)
        state = (status or {}).get("state") or STATE_MISSING
        rows.append(PageRow(receipt, state, opened, checked, locked))
    return rows, deadline


# --- the chart: units that sent, day by day, against the deadline ---------------------------


def chart_svg(rows: list[PageRow], deadline: date | None, today: date) -> str:
    """An inline SVG: the number of units whose first file had come, day by day, a dashed line
    at the deadline and one at the number of units expected. "" when nothing was received."""
    days = sorted(r.receipt.first.received_on for r in rows if r.receipt.first)
    if not days:
        return ""
    start = min(days[0], deadline or days[0]) - timedelta(days=1)
    end = max(days[-1], deadline or days[-1], min(today, max(days[-1], deadline or days[-1])))
    end += timedelta(days=1)
    span = max(1, (end - start).days)
    total = len(rows)
    width, height, left, bottom, top = 480, 240, 34, 40, 18

    def x(day: date) -> float:
        return left + (day - start).days / span * (width - left - 12)

    def y(count: int) -> float:
        return top + (1 - count / max(1, total)) * (height - top - bottom)

    points, count = [(x(start), y(0))], 0
    dots = []
    for day in sorted(set(days)):
        points.append((x(day), y(count)))
        count += days.count(day)
        points.append((x(day), y(count)))
        late = deadline is not None and day > deadline
        dots.append(
            f'<circle cx="{x(day):.1f}" cy="{y(count):.1f}" r="4" '
            f'class="{"late" if late else "ontime"}"><title>{day:%d/%m/%Y}: {count} đơn vị'
            "</title></circle>"
        )
    points.append((x(end), y(count)))
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Số đơn vị đã nộp theo '
        'ngày, so với hạn nộp" class="chart">',
        f'<line x1="{left}" y1="{y(total):.1f}" x2="{width - 12}" y2="{y(total):.1f}" '
        'class="expected"/>',
        f'<text x="{left + 4}" y="{y(total) - 4:.1f}" class="label">{total} đơn vị phải nộp</text>',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - 12}" y2="{y(0):.1f}" class="axis"/>',
        f'<text x="{left - 6}" y="{y(0) + 4:.1f}" class="tick" text-anchor="end">0</text>',
        f'<text x="{left - 6}" y="{y(total) + 4:.1f}" class="tick" text-anchor="end">{total}</text>',
        f'<polyline points="{line}" class="sent"/>',
        *dots,
        f'<text x="{x(start):.1f}" y="{height - 18}" class="tick">{start:%d/%m}</text>',
        f'<text x="{x(end):.1f}" y="{height - 18}" class="tick" text-anchor="end">{end:%d/%m}'
        "</text>",
    ]
    if deadline is not None:
        parts += [
            f'<line x1="{x(deadline):.1f}" y1="{top}" x2="{x(deadline):.1f}" y2="{y(0):.1f}" '
            'class="deadline"/>',
            f'<text x="{min(max(x(deadline), 90), width - 90):.1f}" y="{height - 4}" '
            'class="label deadline-label" '
            f'text-anchor="middle">Hạn nộp {deadline:%d/%m/%Y}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


# --- the page ------------------------------------------------------------------------------

COLUMNS = (
    "Mã",
    "Đơn vị",
    "Tình trạng số liệu",
    "Nộp",
    "Nhận lần đầu",
    "Số bản",
    "Lỗi, cảnh báo chưa xử lý",
    "Đã kiểm tra",
    "Đã chốt",
)

STYLE = """
body{font-family:"Times New Roman",Georgia,serif;margin:0;padding:1rem;color:#111;
background:#fff;line-height:1.4}
h1{font-size:1.35rem;margin:.2rem 0 .6rem}
.rates{font-size:1.05rem;margin:.3rem 0}
.note{color:#444;font-size:.9rem}
.chart{width:100%;max-width:640px;height:auto;display:block;margin:.6rem 0 1rem}
.chart .sent{fill:none;stroke:#1d4ed8;stroke-width:2.5}
.chart .expected{stroke:#666;stroke-dasharray:4 4}
.chart .axis{stroke:#333}
.chart .deadline{stroke:#b91c1c;stroke-width:2;stroke-dasharray:6 4}
.chart .ontime{fill:#15803d}.chart .late{fill:#c2410c}
.chart .label{font-size:15px;fill:#222}.chart .deadline-label{fill:#b91c1c}
.chart .tick{font-size:14px;fill:#444}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right}
.late{color:#c2410c;font-weight:bold}.missing{color:#7e22ce;font-weight:bold}
.ontime{color:#15803d}.locked{font-weight:bold}
@media (max-width:700px){
 body{padding:.6rem}
 table,tbody,tr,td{display:block;width:100%;box-sizing:border-box}
 thead tr{display:flex;flex-wrap:wrap;gap:.3rem;margin-bottom:.5rem}
 thead th{border-radius:1rem;font-size:.8rem;padding:.2rem .6rem}
 tbody tr{border:1px solid #999;border-radius:.4rem;margin:0 0 .6rem;padding:.3rem .5rem}
 td{border:none;padding:.12rem 0;text-align:left}td.num{text-align:left}
 td::before{content:attr(data-label) ": ";color:#555;font-size:.85rem}
}
"""

SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function(th, index){
  th.addEventListener("click", function(){
    var table = th.closest("table"), body = table.tBodies[0];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function(h){ h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = a.cells[index].dataset.sort, y = b.cells[index].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "vi");
      return ascending ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def _cell(label: str, shown: str, sort: str | int | float, kind: str = "") -> str:
    cls = f' class="{kind}"' if kind else ""
    return (
        f'<td data-label="{html.escape(label)}" data-sort="{html.escape(str(sort))}"{cls}>'
        f"{shown}</td>"
    )


def _row(row: PageRow) -> str:
    r = row.receipt
    if r.first is None:
        kind, sort = "missing", 10_000 + (r.overdue_days or 0)
    else:
        kind, sort = ("ontime", 0) if r.late_days in (0, None) else ("late", r.late_days)
    said = r.timeliness or ("đã nộp" if r.first else "chưa nộp")
    first = r.first.received_shown if r.first else "—"
    cells = [
        _cell(COLUMNS[0], html.escape(r.unit_code), r.unit_code),
        _cell(COLUMNS[1], html.escape(r.unit_name), r.unit_name),
        _cell(COLUMNS[2], html.escape(row.state), row.state),
        _cell(COLUMNS[3], html.escape(said), sort, kind),
        _cell(COLUMNS[4], html.escape(first), r.first.received_at if r.first else "9"),
        _cell(COLUMNS[5], str(r.versions), r.versions, "num"),
        _cell(COLUMNS[6], str(row.open_findings), row.open_findings, "num"),
        _cell(COLUMNS[7], str(row.checked_findings), row.checked_findings, "num"),
        _cell(COLUMNS[8], html.escape(row.locked or "—"), row.locked or "", "locked"),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def status_page_html(
    period: str, rows: list[PageRow], deadline: date | None, today: date, made_at: str
) -> str:
    """The whole page (see the module's text)."""
    period_rates = rates([row.receipt for row in rows])
    header = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in COLUMNS)
    body = "\n".join(_row(row) for row in rows)
    chart = chart_svg(rows, deadline, today)
    locked = sum(bool(row.locked) for row in rows)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tình hình nộp số liệu kỳ {html.escape(period)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Tình hình nộp số liệu kỳ {html.escape(period)}</h1>
<p class="rates">{html.escape(period_rates.shown())}.</p>
<p class="note">Số đơn vị đã chốt số liệu: {locked}. Ngày nhận là ngày baocao thấy tệp lần đầu
(lệnh run, status hoặc chot), không phải ngày ghi trên tệp. Lập lúc {html.escape(made_at)};
số ngày quá hạn tính đến ngày {today:%d/%m/%Y}. Bấm vào tên cột để sắp xếp.</p>
{chart}
<table class="sortable">
<thead><tr>{header}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write_status_page(
    paths: ProjectPaths, period: str, folder: Path, today: date | None = None
) -> Path:
    """Write the page into `folder` (the run's staged `_output/<period>/`) from the processed
    data `paths` show (the run's staged view)."""
    from baocao.base.files import atomic_write_text

    now = datetime.now().astimezone()
    today = today or now.date()
    rows, deadline = page_rows(paths, period, today)
    text = status_page_html(period, rows, deadline, today, now.strftime("%H:%M ngày %d/%m/%Y"))
    return atomic_write_text(Path(folder) / PAGE_NAME, text)
