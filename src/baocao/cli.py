"""The `baocao` command: template, run, validate, status. Every message is Vietnamese.

In: the command line. Out: what each command prints to the console (`cli_console`) and its exit
code. The help screens and usage errors are said in Vietnamese by `cli_vietnamese`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from baocao.cli_console import STATE_STYLE, console, issue_place
from baocao.cli_console import fail as _fail
from baocao.cli_console import guarded as _guarded
from baocao.cli_vietnamese import VietnameseCommand, VietnameseGroup
from baocao.config.paths import ProjectPaths
from baocao.report.render.formats import labels as format_labels
from baocao.run.set_aside import OTHER_FILE, UNKNOWN_UNIT
from baocao.unit.states import STATE_VALID

app = typer.Typer(
    help="Tổng hợp báo cáo 6 tháng của Ủy ban MTTQ: từ bảng tính của các đơn vị đến DOCX và HTML.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=VietnameseGroup,
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [THAM SỐ]...",
)
COMMAND = {"cls": VietnameseCommand, "options_metavar": "[TÙY CHỌN]"}


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        metavar="KỲ",
        help="Kỳ báo cáo, ví dụ 2021-H1; mặc định là kỳ mới nhất có tệp trong data/raw/.",
    ),
]


def _period(period: str | None, paths: ProjectPaths) -> str:
    """The period asked for; without `--period`, the latest with files, said in the command's
    first line with the reason (`run.submitted.default_period`)."""
    from baocao.config.periods import Period
    from baocao.run.submitted import default_period

    if period:
        return str(Period.parse(period))
    chosen, why = default_period(paths)
    console.print(f"Kỳ báo cáo: [bold]{chosen}[/] ({why}; chọn kỳ khác bằng --period)")
    return chosen


def _config_problems(period: str, paths: ProjectPaths):
    """The whole configuration of `period`, checked; its problems end the command."""
    from baocao.config.check import check_config

    check = check_config(paths.config, period, paths)
    if not check.ok:
        listed = "\n".join(f"  • {problem}" for problem in check.problems)
        _fail(
            f"Cấu hình của kỳ {period} chưa đúng ({len(check.problems)} lỗi); hãy sửa rồi chạy "
            f"lại:\n{listed}"
        )
    return check


@app.command("check-config", **COMMAND)
def check_config(
    period: Annotated[
        str,
        typer.Option(
            "--period", "-p", metavar="KỲ", help="Kỳ báo cáo cần kiểm tra, ví dụ 2026-H1."
        ),
    ],
) -> None:
    """Kiểm tra toàn bộ cấu hình (config/) dùng cho một kỳ: đơn vị, danh mục, đề cương, báo cáo."""

    def body():
        from baocao.config.periods import Period

        paths = ProjectPaths.default()
        chosen = str(Period.parse(period))
        check = _config_problems(chosen, paths)
        console.print(f"[green]Cấu hình của kỳ {chosen} hợp lệ.[/]")
        for line in check.summary():
            console.print(f"  {line}")
        if check.outline is not None and check.outline.illustrative:
            console.print(f"  [yellow]{check.outline.illustrative}[/]")

    _guarded(body)


@app.command(**COMMAND)
def template(
    period: Annotated[
        str,
        typer.Option(
            "--period", "-p", metavar="KỲ", help="Kỳ báo cáo của biểu mẫu, ví dụ 2021-H1."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="THƯ_MỤC", help="Thư mục ghi biểu mẫu."),
    ] = None,
) -> None:
    """Tạo biểu mẫu nhập số liệu (.xlsx) cho từng đơn vị."""

    def body():
        from baocao.config.periods import Period
        from baocao.intake.template import write_templates

        paths = ProjectPaths.default()
        canonical = str(Period.parse(period))
        _config_problems(canonical, paths)
        folder = out or paths.output / "bieu-mau" / canonical
        files = write_templates(canonical, folder, paths)
        console.print(
            f"Đã tạo {len(files)} biểu mẫu kỳ {canonical} trong thư mục: [bold]{folder}[/]"
        )

    _guarded(body)


# The kinds of file a run leaves, as an office worker knows them (the report's: render.formats).
FILE_KINDS = {**format_labels(), "xlsx": "Excel (.xlsx)"}


# Up to this many units the summary lists every unit; beyond it (65 communes, 168 units) only
# the units that need a look, so that their rows do not scroll away among the valid ones.
LIST_EVERY_UNIT_UP_TO = 20


def _set_aside(row) -> bool:
    """A unit's second file (`UnitOutcome.set_aside`): shown by its message, not as a unit."""
    return bool(getattr(row, "set_aside", False))


def _needs_a_look(row) -> bool:
    return row.state != STATE_VALID or bool(row.errors or row.warnings)


def _summary_table(result) -> Table | None:
    """The run's units as a table: every unit, or for a large period the units that need a
    look (None when there are none)."""
    rows = [row for row in result.outcomes if not _set_aside(row)]
    title = f"Kết quả kỳ {result.period}"
    if len(rows) > LIST_EVERY_UNIT_UP_TO:
        rows = [row for row in rows if _needs_a_look(row)]
        title += ": các đơn vị cần xem"
        if not rows:
            return None
    table = Table(title=title, show_lines=False)
    for column in ("Mã", "Đơn vị", "Trạng thái", "Số dòng đọc", "Lỗi", "Cảnh báo", "Tệp"):
        # A long file name folds onto the next line rather than losing its end to "…".
        table.add_column(column, overflow="fold")
    for row in rows:
        style = STATE_STYLE.get(row.state, "")
        table.add_row(
            row.unit_code,
            row.unit_name,
            f"[{style}]{row.state}[/]",
            str(row.rows_read),
            str(row.errors),
            str(row.warnings),
            row.source_file or "—",
        )
    return table


def _state_counts(result) -> str:
    """ "65 đơn vị: 62 hợp lệ, 2 có cảnh báo, 1 chưa nộp" (states in the order of STATE_STYLE):
    units, not files; the files set aside (of no unit, a unit's second file…) are said apart,
    counted by their reason (`run.set_aside.aside_reason`)."""
    counts = {state: 0 for state in STATE_STYLE}
    units = [row for row in result.outcomes if row.unit_code != "?" and not _set_aside(row)]
    for row in units:
        counts[row.state] = counts.get(row.state, 0) + 1
    said = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    reasons: dict[str, int] = {}
    for row in result.outcomes:
        if row.unit_code == "?" or _set_aside(row):
            why = getattr(row, "why", "") or (UNKNOWN_UNIT if row.unit_code == "?" else OTHER_FILE)
            reasons[why] = reasons.get(why, 0) + 1
    files = "".join(
        f"; {n} tệp {why}" if why == UNKNOWN_UNIT else f"; {n} tệp không dùng vì {why}"
        for why, n in reasons.items()
    )
    return f"{len(units)} đơn vị: {said}{files}"


@app.command(**COMMAND)
def run(
    period: PeriodOption = None,
    profile: Annotated[
        str | None,
        typer.Option(
            metavar="BẢN",
            help="Chỉ dựng một bản: internal (nội bộ) hoặc public (công khai); mặc định dựng cả hai.",
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            metavar="CÁCH", help="Cách dựng báo cáo: quarto hoặc builtin; mặc định tự chọn."
        ),
    ] = None,
    no_render: Annotated[
        bool,
        typer.Option(
            "--no-render", metavar="", help="Chỉ làm sạch và tổng hợp, không dựng báo cáo."
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="SỐ",
            help="Số đơn vị xử lý song song; mặc định bằng số lõi CPU.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", metavar="", help="Chạy lại tất cả, kể cả phần không có gì thay đổi."
        ),
    ] = False,
    number: Annotated[
        int | None,
        typer.Option(
            "--number", min=1, metavar="SỐ", help="Số báo cáo (thay số trong config/report.yml)."
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="NGÀY",
            help="Ngày báo cáo, ví dụ 05/07/2021 (thay ngày trong config/report.yml).",
        ),
    ] = None,
    signer: Annotated[
        str | None,
        typer.Option(
            "--signer", metavar="HỌ_TÊN", help="Họ tên người ký (thay tên trong config/report.yml)."
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            metavar="",
            help="Chỉ cho biết đơn vị nào, báo cáo nào sẽ chạy lại và vì sao.",
        ),
    ] = False,
) -> None:
    """Làm sạch, kiểm tra số liệu từng đơn vị, tổng hợp và dựng báo cáo DOCX, HTML.

    Chỉ những đơn vị có tệp (hoặc danh mục, sổ tay, mã nguồn) thay đổi mới được xử lý lại."""

    def body():
        from baocao.base.numbers import format_number
        from baocao.config.settings import apply_overrides, load_report_settings
        from baocao.pipeline import PROFILES, explain_period, require_workbooks, run_period
        from baocao.report.render.backends import BACKEND_NAMES
        from baocao.report.render.profiles import PROFILE_NAMES

        paths = ProjectPaths.default()
        chosen = _period(period, paths)
        if profile not in (None, *PROFILES):
            _fail(f"Bản báo cáo “{profile}” không hợp lệ; chọn internal hoặc public.")
        profiles = (profile,) if profile else PROFILES
        overrides = {
            key: value
            for key, value in (("number", number), ("date", date), ("signer_name", signer))
            if value is not None
        }
        # A wrong configuration, date or number stops here, before any unit is processed.
        _config_problems(chosen, paths)
        apply_overrides(load_report_settings(paths.config, chosen), chosen, overrides)
        require_workbooks(chosen, paths)  # before the progress bar: an empty folder stops here
        if explain:
            table = Table(title=f"Kỳ {chosen}: phần nào sẽ chạy lại")
            for column in ("Phần", "Chạy lại?", "Lý do"):
                table.add_column(column)
            for what, will_run, reasons in explain_period(
                chosen, paths, profiles=profiles, backend=backend, force=force, overrides=overrides
            ):
                table.add_row(
                    what, "[yellow]có[/]" if will_run else "[green]không[/]", "; ".join(reasons)
                )
            console.print(table)
            return
        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        tasks = []  # the bar appears once the units are counted: a check that stops the run
        # before (the narrative, the configuration) prints its message alone, not under "0/?"

        def units_counted(total: int, _to_run: int) -> None:
            progress.start()
            tasks.append(progress.add_task(f"Xử lý các đơn vị kỳ {chosen}", total=total))

        def unit_done(o) -> None:
            said = f"{'Dùng lại' if o.reused else 'Xong'} {o.unit_name}: {o.state}"
            progress.update(tasks[0], advance=1, description=said)

        try:
            result = run_period(
                chosen,
                paths,
                profiles=profiles,
                backend=backend,
                render=not no_render,
                jobs=jobs,
                force=force,
                overrides=overrides,
                on_start=units_counted,
                on_unit_done=unit_done,
            )
        finally:
            progress.stop()
        table = _summary_table(result)
        if table is not None:
            console.print(table)
        console.print(_state_counts(result))
        for note in result.notes:
            console.print(f"  [cyan]•[/] {note}")
        for message in result.narrative.get("messages", []):
            console.print(f"  [cyan]•[/] {message}")
        for reason in result.narrative.get("draft_reasons", []):
            console.print(f"  [bold yellow]• {reason}[/]")
        for row in result.outcomes:
            for message in row.messages:
                console.print(f"  [red]•[/] {row.unit_name}: {message}")
        console.print(f"Số liệu đã xử lý: [bold]{result.processed_dir}[/]")
        console.print(f"Sổ tay đã chạy của từng đơn vị: [bold]{result.output_dir / 'notebooks'}[/]")
        if result.reports:
            console.print(f"Báo cáo (lập bằng {BACKEND_NAMES.get(result.backend, '')}):")
            for (shown_profile, kind), report in result.reports.items():
                what = f"{PROFILE_NAMES[shown_profile].capitalize()}, {FILE_KINDS.get(kind, kind)}"
                console.print(f"  {what}: [bold]{report}[/]")
        reused = sum(o.reused for o in result.outcomes)
        if reused:
            console.print(f"Dùng lại kết quả đã có của {reused} đơn vị không thay đổi.")
        if result.reports and not result.rendered:
            console.print("Báo cáo không có gì thay đổi nên được giữ nguyên.")
        console.print(f"Nhật ký lần chạy: [bold]{result.manifest}[/] — mã lần chạy {result.run_id}")
        console.print(f"Thời gian: {format_number(result.seconds, 1)} giây")

    _guarded(body)


@app.command(**COMMAND)
def narrative(period: PeriodOption = None) -> None:
    """Tạo tài liệu Word để viết và góp ý phần nội dung của báo cáo kỳ này.

    Tài liệu có đủ tiêu đề của đề cương, nội dung đã viết (từ các tệp Markdown nếu có), hướng
    dẫn của đề cương ở mục chưa viết, và bảng tên số liệu dùng được. Không ghi đè tài liệu đã
    được sửa."""

    def body():
        from baocao.report.compose.narrative_document import write_for_period

        paths = ProjectPaths.default()
        chosen = _period(period, paths)
        written, notes = write_for_period(paths, chosen)
        console.print(f"Tài liệu Word nội dung viết tay kỳ {chosen}: [bold]{written}[/]")
        for note in notes:
            console.print(f"  [cyan]•[/] {note}")

    _guarded(body)


@app.command(**COMMAND)
def validate(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="TỆP",
            help="Tệp bảng tính của đơn vị cần kiểm tra (.xlsx, .xlsm, .xlsb, .xls, .ods).",
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            metavar="KỲ",
            help="Kỳ báo cáo để kiểm tra tệp, ví dụ 2021-H1; mặc định là kỳ ghi ở trang "
            "“Thông tin” của tệp.",
        ),
    ] = None,
) -> None:
    """Kiểm tra một tệp bảng tính trước khi gửi: đọc tệp như khi tổng hợp, in ra các lỗi và
    cảnh báo (trang, ô, cách sửa). Không ghi gì vào tệp hay thư mục số liệu."""

    def body():
        from baocao.config.catalog import load_catalogue
        from baocao.config.units import load_units
        from baocao.unit.checks import check_workbook

        paths = ProjectPaths.default()
        units = load_units(paths.config)
        report = check_workbook(
            file,
            load_catalogue(paths.config, period),
            period=period,
            units_of=units.for_period,
            catalogue_of=lambda p: load_catalogue(paths.config, p),
            unit_history=units,
        )
        shown_period = "chưa xác định" if report.period == "?" else report.period
        console.print(
            f"Tệp: [bold]{file}[/] — kỳ {shown_period} — trạng thái: "
            f"[{STATE_STYLE.get(report.state, '')}]{report.state}[/]"
        )
        for issue in report.issues:
            where = issue_place(issue)
            label = "[red]Lỗi[/]" if issue.severity == "error" else "[yellow]Cảnh báo[/]"
            console.print(f"  {label}{' (' + where + ')' if where else ''}: {issue.message}")
        if not report.issues:
            console.print("  Không có lỗi hay cảnh báo nào. Tệp có thể gửi.")
        if report.state == "có lỗi":
            raise typer.Exit(1)

    _guarded(body)


@app.command(**COMMAND)
def status(period: PeriodOption = None) -> None:
    """Liệt kê đơn vị đã nộp và chưa nộp tệp số liệu của kỳ."""

    def body():
        from baocao.config.units import load_units
        from baocao.run.submitted import NOT_USED, SENT, file_states

        paths = ProjectPaths.default()
        chosen = _period(period, paths)
        units = load_units(paths.config).for_period(chosen)
        rows, rejected = file_states(chosen, paths, units)
        table = Table(title=f"Tình hình nộp số liệu kỳ {chosen}")
        for column in ("Mã", "Đơn vị", "Đã nộp", "Tệp", "Lần xử lý gần nhất"):
            table.add_column(column)
        shown = {SENT: "[green]đã nộp[/]", NOT_USED: f"[yellow]{NOT_USED}[/]"}
        for row in rows:
            sent = shown.get(row.sent, f"[magenta]{row.sent}[/]")
            table.add_row(row.unit_code, row.unit_name, sent, row.file or "—", row.last)
        console.print(table)
        unused = sum(row.sent == NOT_USED for row in rows)
        said = f"; {unused} tệp không dùng (xem bên dưới)" if unused else ""
        sent_units = len({row.unit_code for row in rows if row.sent == SENT})
        console.print(f"Đã nộp {sent_units}/{len(units)} đơn vị{said}.")
        for job in rejected:
            for issue in job.issues:
                console.print(f"  [red]•[/] {issue.message}")

    _guarded(body)


def main() -> None:  # pragma: no cover - console entry for `python -m baocao.cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
