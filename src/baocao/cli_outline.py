"""`baocao outline import`: the period's đề cương from the Word document the office receives.

In: the command line (the document, `--from` the first period, `--dry-run`, `--overwrite`).
Out: the new outline version `config/outline-<kỳ>.yml` written (`config.outline_import`), and
one screen in Vietnamese: each section kept, renamed, new or gone, with its figures, charts
and internal parts, what still needs a figure, the proposed catalogue entries, and what
`check-config` says of the result. A .doc is converted by LibreOffice first (or refused).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from baocao.cli_console import console, guarded
from baocao.cli_vietnamese import VietnameseCommand, VietnameseGroup
from baocao.config.paths import ProjectPaths

outline_app = typer.Typer(
    help="Đề cương báo cáo: nhập đề cương mới từ tài liệu Word.",
    no_args_is_help=True,
    cls=VietnameseGroup,
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [THAM SỐ]...",
)

_STYLE = {"giữ nguyên": "green", "đổi tên": "yellow", "mới": "cyan", "bỏ": "red"}


@outline_app.command("import", cls=VietnameseCommand, options_metavar="[TÙY CHỌN]")
def import_outline(
    document: Annotated[
        Path, typer.Argument(metavar="TỆP", help="Tài liệu Word của đề cương (.docx hoặc .doc).")
    ],
    start: Annotated[
        str,
        typer.Option(
            "--from", metavar="KỲ", help="Kỳ báo cáo đầu tiên dùng đề cương này, ví dụ 2026-H1."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", metavar="", help="Chỉ xem kết quả, không ghi tệp nào.")
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            metavar="",
            help="Thay tệp đề cương đã có của kỳ đó (tệp cũ giữ lại đuôi .yml.cu).",
        ),
    ] = False,
) -> None:
    """Nhập đề cương báo cáo từ tài liệu Word thành một phiên bản đề cương mới
    (config/outline-<kỳ>.yml) có hiệu lực từ kỳ --from. Mục trùng tiêu đề với đề cương đang
    dùng giữ nguyên số liệu, biểu đồ và phần nội bộ; mục mới, mục bỏ được liệt kê để xem lại."""

    def body():
        from baocao.config.outline_import import plan_import, write_import
        from baocao.errors import BaocaoError
        from baocao.report.narrative.paragraphs import pending_in, word_items
        from baocao.report.programs.doc_convert import doc_to_docx, is_old_word

        paths = ProjectPaths.default()
        if not document.is_file():
            raise BaocaoError(f"Không tìm thấy tài liệu {document}.")
        with tempfile.TemporaryDirectory(prefix="baocao-decuong-") as scratch:
            source = document
            if is_old_word(document):
                console.print(f"Chuyển {document.name} (.doc) sang .docx bằng LibreOffice…")
                source = doc_to_docx(document, Path(scratch), document.name)
            items = word_items(source, document.name)
            pending = pending_in(source, document.name)
        plan = plan_import(items, paths.config, start, document.name)
        show_plan(plan)
        if pending:
            console.print(
                f"[yellow]Lưu ý:[/] {document.name} còn {pending} thay đổi chưa chấp nhận hay từ "
                "chối (Track Changes). Đề cương được đọc như khi đã chấp nhận mọi thay đổi: hãy "
                "xem lại các mục mới và mục bỏ ở trên, hoặc xử lý các thay đổi trong Word rồi nhập "
                "lại."
            )
        if dry_run:
            console.print("[bold]Chưa ghi gì[/] (--dry-run).")
            return
        problems = write_import(plan, overwrite)
        show_written(plan, problems, paths)
        if problems:
            raise typer.Exit(1)

    guarded(body)


def show_plan(plan) -> None:
    """The one screen: every section, what happened to it, what it carries."""
    from baocao.config.outline_import.carry import GONE

    changes = plan.imported.changes
    table = Table(title=f"Đề cương từ {plan.source}, dùng từ kỳ {plan.period}")
    for column in ("Mục", "Tiêu đề", "Thay đổi", "Số liệu, biểu đồ, phần nội bộ"):
        table.add_column(column, overflow="fold")
    for change in changes:
        carried = [f"số liệu mục {change.figures}"] if change.figures else []
        carried += [f"biểu đồ {c}" for c in change.charts]
        carried += [f"phần nội bộ {i}" for i in change.internal]
        if change.needs_figures:
            carried.append("[magenta]cần gắn số liệu[/]")
        what = f"[{_STYLE[change.kind]}]{change.kind}[/]"
        if change.old_heading and change.old_heading != change.heading:
            what += f"\n(trước: {_short(change.old_heading)})"
        indent = "  " * max(change.level - 3, 0)
        heading = change.heading if change.kind != GONE else f"[strike]{change.heading}[/]"
        table.add_row(change.id, indent + _short(heading, 90), what, ", ".join(carried) or "—")
    console.print(table)
    counts = {k: sum(c.kind == k for c in changes) for k in _STYLE}
    console.print("Tổng: " + "; ".join(f"{n} mục {k}" for k, n in counts.items() if n) + ".")
    lost = [c.id for c in changes if c.kind == GONE and (c.figures or c.charts or c.internal)]
    if lost:
        console.print(
            f"  [red]•[/] Mục bỏ có số liệu, biểu đồ hoặc phần nội bộ: {', '.join(lost)}. Phần "
            "nội dung của báo cáo không còn nêu chúng; nếu cần, gắn vào mục mới bằng khóa "
            "figures, charts."
        )
    needs = [c for c in changes if c.needs_figures]
    if needs:
        console.print(
            f"  [magenta]•[/] {len(needs)} mục có hướng dẫn đòi số liệu nhưng chưa gắn mục số "
            "liệu nào của danh mục (khóa figures): " + ", ".join(c.id for c in needs) + "."
        )
    for sid, (section, title) in plan.suggested.items():
        console.print(
            f'    Gợi ý cho mục {sid}: figures: "{section}" (mục số liệu “{_short(title)}” của '
            "danh mục); xem lại rồi thêm vào tệp nếu đúng."
        )
    for note in plan.imported.notes:
        console.print(f"  [cyan]•[/] {note}")
    for note in plan.document.notes:
        console.print(f"  [cyan]•[/] Ghi chú của đề cương (không thành mục): {_short(note, 120)}")
    if plan.proposals:
        counts = {}
        for proposal in plan.proposals:
            counts[proposal.status] = counts.get(proposal.status, 0) + 1
        said = ", ".join(f"{n} {k}" for k, n in counts.items())
        console.print(
            f"  [cyan]•[/] Phụ biểu: {len(plan.proposals)} chỉ tiêu ({said}) đề xuất ở "
            f"{plan.proposals_path}; cần xác nhận trước khi thêm vào danh mục."
        )


def show_written(plan, problems: list[str], paths: ProjectPaths) -> None:
    version = plan.version
    console.print(f"Đã ghi [bold]{version.target}[/] ({version.said()}).")
    if version.previous is not None:
        console.print(
            f"  Phiên bản trước ({version.previous.path.name}) nay có hiệu lực đến hết kỳ "
            f"trước kỳ {version.first} (đã sửa khóa in_force.to, phần còn lại giữ nguyên)."
        )
    if problems:
        listed = "\n".join(f"  • {p}" for p in problems)
        console.print(
            f"[bold red]Cấu hình chưa đúng ({len(problems)} lỗi)[/], hãy sửa tệp rồi chạy "
            f"“baocao check-config --period {plan.period}”:\n{listed}"
        )
    else:
        console.print(
            f"Kiểm tra cấu hình kỳ {plan.period}: không có lỗi. Tạo tài liệu Word để viết theo "
            f"đề cương mới: “baocao narrative --period {plan.period}”."
        )


def _short(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
