"""The period as a conversation with its units, as commands: `status` (units against the
deadline, a unit's versions and what changed between them), `chot` (lock a unit's figures or
the whole period's) and `mo-khoa` (reopen). Every message is Vietnamese.

In: the command line, the period's folder, the receipt ledger (`run.receipts`), the locks file
(`run.locks`). Out: what the commands print; `chot` and `mo-khoa` write `config/locks-<kỳ>.yml`.
Registered on the `baocao` app by `cli`."""

from __future__ import annotations

import getpass
import subprocess
from datetime import date, datetime
from typing import Annotated

import typer
from rich.table import Table

from baocao.cli_console import PeriodOption, chosen_period, console, fail, guarded
from baocao.config.paths import ProjectPaths

UnitArgument = Annotated[
    str | None,
    typer.Argument(metavar="ĐƠN_VỊ", help="Mã hoặc tên đơn vị, ví dụ 06001 hoặc “Đoàn Kết”."),
]
WholePeriod = Annotated[bool, typer.Option("--ca-ky", metavar="", help="Cả kỳ (mọi đơn vị).")]


def _unit(text: str, units):
    from baocao.config.names import resolve_unit

    found = resolve_unit(text, units)
    if found is None:
        fail(f"Không có đơn vị “{text}” trong danh sách đơn vị của kỳ; hãy ghi mã hoặc tên đơn vị.")
    return found


def _today() -> date:
    return datetime.now().astimezone().date()


def show_status(period: str | None, unit: str | None) -> None:
    """`baocao status`: one row per unit and file, each unit against the deadline, the rates
    and the locked units held back; with `unit`, that unit's versions and their changes."""
    from baocao.config.units import load_units
    from baocao.run.deadlines import deadline_of, rates, unit_receipts
    from baocao.run.submitted import NOT_SENT, NOT_USED, SENT, file_states

    paths = ProjectPaths.default()
    chosen = chosen_period(period, paths)
    units = load_units(paths.config).for_period(chosen)
    rows, rejected, received = file_states(chosen, paths, units)
    sent = {r.unit_code for r in rows if r.sent == SENT}
    deadline = deadline_of(paths.config, chosen)
    receipts = {
        r.unit_code: r for r in unit_receipts(units, received.ledger, sent, deadline, _today())
    }
    if unit is not None:
        _show_history(chosen, paths, _unit(unit, units), receipts, received)
        return
    table = Table(title=f"Tình hình nộp số liệu kỳ {chosen}")
    for column in ("Mã", "Đơn vị", "Đã nộp", "Tệp", "Lần xử lý gần nhất"):
        table.add_column(column)
    shown = {SENT: "[green]đã nộp[/]", NOT_USED: f"[yellow]{NOT_USED}[/]"}
    for row in rows:
        said = shown.get(row.sent, f"[magenta]{row.sent}[/]")
        receipt = receipts[row.unit_code]
        extra = []
        if row.sent == SENT and receipt.timeliness:
            extra.append(receipt.timeliness)
        if row.sent == NOT_SENT and receipt.overdue_days:
            extra.append(f"quá hạn {receipt.overdue_days} ngày")
        if row.sent != NOT_USED and receipt.versions > 1:
            extra.append(f"{receipt.versions} bản")
        if row.sent != NOT_USED and row.unit_code in received.locks:
            extra.append("đã chốt")
        table.add_row(
            row.unit_code, row.unit_name, ", ".join([said, *extra]), row.file or "—", row.last
        )
    console.print(table)
    unused = sum(row.sent == NOT_USED for row in rows)
    said = f"; {unused} tệp không dùng (xem bên dưới)" if unused else ""
    console.print(f"Đã nộp {len(sent)}/{len(units)} đơn vị{said}.")
    console.print(rates(list(receipts.values())).shown() + ".")
    for held in received.held:
        console.print(f"  [bold yellow]•[/] {held.message}")
    for job in rejected:
        for issue in job.issues:
            console.print(f"  [red]•[/] {issue.message}")


def _show_history(period: str, paths, unit, receipts, received) -> None:
    """A unit's versions, when each was received, and what changed from the one before."""
    from baocao.run.receipts import history

    receipt = receipts[unit.code]
    timeliness = f" — {receipt.timeliness}" if receipt.timeliness else ""
    console.print(f"[bold]{unit.name}[/] (mã {unit.code}), kỳ {period}{timeliness}")
    codes = dict.fromkeys(
        [
            unit.code,
            *(r.unit_code for r in received.ledger if r.unit_code.startswith(f"{unit.code}_phan")),
        ]
    )  # a unit sent in parts: each part's versions
    versions = [change for code in codes for change in history(paths, period, code)]
    if not versions:
        console.print("  Chưa nhận tệp nào của đơn vị.")
        return
    table = Table(title=f"Các bản đã nhận ({len(versions)})")
    for column in ("Bản", "Nhận lúc", "Tệp", "Thay đổi so với bản trước"):
        table.add_column(column, overflow="fold")
    for change in versions:
        what = "\n".join(change.lines) or change.error or "bản đầu tiên"
        r = change.receipt
        part = f" (phần {r.unit_code.partition('_phan')[2]})" if "_phan" in r.unit_code else ""
        table.add_row(f"{r.version}{part}", r.received_shown, r.file, what)
    console.print(table)
    console.print(
        "Nhận lúc: lúc baocao thấy tệp lần đầu (lệnh run, status hoặc chot), không phải ngày "
        "ghi trên tệp."
    )
    lock = received.locks.get(unit.code)
    if lock is not None:
        console.print(f"Đã chốt: {lock.shown}{' — ' + lock.note if lock.note else ''}.")
    for held in received.held:
        if held.unit_code == unit.code:
            console.print(f"  [bold yellow]•[/] {held.message}")


def _who(paths: ProjectPaths) -> str:
    """The analyst's name: git's user.name in the project, else the computer's user name."""
    try:
        done = subprocess.run(
            ["git", "config", "user.name"],
            cwd=paths.root,
            capture_output=True,
            encoding="utf-8",
            timeout=10,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return getpass.getuser()


def _current(period: str, paths: ProjectPaths):
    """(units, the period's files as received, with the locks applied)."""
    from baocao.config.units import load_units
    from baocao.run.discover import discover
    from baocao.run.received import receive

    units = load_units(paths.config).for_period(period)
    jobs, rejected = discover(period, paths, units)
    return units, receive(period, paths, units, jobs, rejected)


def chot(
    unit: UnitArgument = None,
    ca_ky: WholePeriod = False,
    period: PeriodOption = None,
    nguoi: Annotated[
        str | None,
        typer.Option("--nguoi", metavar="HỌ_TÊN", help="Người chốt; mặc định lấy tên trong git."),
    ] = None,
    ghi_chu: Annotated[
        str, typer.Option("--ghi-chu", metavar="GHI_CHÚ", help="Ghi chú, ví dụ lý do chốt.")
    ] = "",
) -> None:
    """Chốt số liệu của một đơn vị (hoặc cả kỳ với --ca-ky): tệp đơn vị gửi sau được ghi nhận
    nhưng không dùng cho đến khi mở khóa. Ghi vào config/locks-<kỳ>.yml."""

    def body():
        from baocao.run.cache import file_digest
        from baocao.run.locks import ALL, lock_entry, locks_path, read_lock_file, write_lock_file
        from baocao.run.receipts import version_with

        paths = ProjectPaths.default()
        chosen = chosen_period(period, paths)
        if (unit is None) == (not ca_ky):
            fail("Hãy ghi một đơn vị (ví dụ baocao chot 06001) hoặc --ca-ky để chốt cả kỳ.")
        units, received = _current(chosen, paths)
        data = read_lock_file(paths.config, chosen)
        at = datetime.now().astimezone().isoformat(timespec="seconds")
        by = nguoi or _who(paths)
        used = {
            j.unit.code: version_with(received.ledger, j.unit.code, file_digest(j.path))
            for j in received.jobs
        }
        if ca_ky:
            entry = {"by": by, "at": at, "note": ghi_chu}
            entry["units"] = {
                code: {
                    k: v
                    for k, v in lock_entry(r, "", "", "").items()
                    if k in ("version", "sha256", "file")
                }
                for code, r in used.items()
                if r is not None
            }
            data[ALL] = entry
            said = (
                f"Đã chốt số liệu cả kỳ {chosen}: {len(entry['units'])}/{len(units)} đơn vị có tệp."
            )
        else:
            found = _unit(unit, units)
            if found.code in received.locks:
                console.print(f"{found.name} đã chốt từ trước: {received.locks[found.code].shown}.")
                return
            receipt = used.get(found.code)
            if any(j.part_of is not None and j.part_of.code == found.code for j in received.jobs):
                fail(
                    f"{found.name} gửi thành nhiều phần được cộng lại: chưa chốt riêng được "
                    "từng đơn vị như vậy; hãy chốt cả kỳ (baocao chot --ca-ky)."
                )
            if receipt is None:
                fail(f"{found.name} chưa có tệp số liệu nào trong kỳ {chosen}: chưa chốt được.")
            data[found.code] = lock_entry(receipt, by, at, ghi_chu)
            said = (
                f"Đã chốt số liệu của {found.name}: bản {receipt.version} (tệp “{receipt.file}”)."
            )
        write_lock_file(paths.config, chosen, data)
        console.print(said)
        console.print(
            f"Quyết định được ghi vào {locks_path(paths.config, chosen)}; hãy commit tệp này. "
            "Tệp gửi sau sẽ được ghi nhận nhưng không dùng cho đến khi mở khóa (baocao mo-khoa)."
        )

    guarded(body)


def mo_khoa(
    unit: UnitArgument = None, ca_ky: WholePeriod = False, period: PeriodOption = None
) -> None:
    """Mở khóa số liệu đã chốt của một đơn vị (hoặc cả kỳ với --ca-ky): lần chạy sau dùng tệp
    mới nhất của đơn vị."""

    def body():
        from baocao.config.units import load_units
        from baocao.run.locks import ALL, locks_path, read_lock_file, write_lock_file

        paths = ProjectPaths.default()
        chosen = chosen_period(period, paths)
        if (unit is None) == (not ca_ky):
            fail("Hãy ghi một đơn vị (ví dụ baocao mo-khoa 06001) hoặc --ca-ky để mở cả kỳ.")
        data = read_lock_file(paths.config, chosen)
        if ca_ky:
            if not data:
                console.print(f"Kỳ {chosen} không có số liệu nào đang chốt.")
                return
            data = {}
            said = f"Đã mở khóa toàn bộ số liệu kỳ {chosen}."
        else:
            found = _unit(unit, load_units(paths.config).for_period(chosen))
            whole = data.get(ALL)
            reopened = whole is not None and found.code not in (whole.get("reopened") or [])
            if found.code not in data and not reopened:
                console.print(f"{found.name} không bị chốt trong kỳ {chosen}.")
                return
            data.pop(found.code, None)
            if reopened:
                whole["reopened"] = [*(whole.get("reopened") or []), found.code]
            said = (
                f"Đã mở khóa số liệu của {found.name}: lần chạy sau dùng tệp mới nhất của đơn vị."
            )
        write_lock_file(paths.config, chosen, data)
        console.print(said)
        console.print(f"Đã ghi {locks_path(paths.config, chosen)}; hãy commit tệp này.")

    guarded(body)
