"""The `baocao` command: template, run, validate, status. Every message is Vietnamese.

In: the command line. Out: what each command prints to the console (`cli_console`) and its exit
code. The help screens and usage errors are said in Vietnamese by `cli_vietnamese`."""

from __future__ import annotations

import functools
import inspect
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, get_type_hints

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from baocao.cli_console import (
    STATE_STYLE,
    PeriodOption,
    console,
    fail,
    guarded,
    issue_place,
    print_files,
    print_plan,
    print_units,
)
from baocao.cli_console import chosen_period as _period
from baocao.cli_findings import mark_checked
from baocao.cli_outline import outline_app
from baocao.cli_period import chot, mo_khoa, show_status
from baocao.cli_vietnamese import VietnameseCommand, VietnameseGroup
from baocao.config.paths import ProjectPaths

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
app.add_typer(outline_app, name="outline")


def _config_problems(period: str, paths: ProjectPaths):
    """The whole configuration of `period`, checked; its problems end the command."""
    from baocao.config.check import check_config

    check = check_config(paths.config, period, paths)
    if not check.ok:
        listed = "\n".join(f"  • {problem}" for problem in check.problems)
        fail(
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

    guarded(body)


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

    guarded(body)


@dataclass
class RunArgs:
    """The options of `baocao run`, as typer reads them (`options_command`)."""

    period: PeriodOption = None
    profile: Annotated[
        str | None,
        typer.Option(
            metavar="BẢN",
            help="Chỉ dựng một bản: official (văn bản để ký), internal (dự thảo rà soát nội "
            "bộ) hoặc public (trang công khai); mặc định dựng cả ba.",
        ),
    ] = None
    backend: Annotated[
        str | None,
        typer.Option(
            metavar="CÁCH", help="Cách dựng báo cáo: quarto hoặc builtin; mặc định tự chọn."
        ),
    ] = None
    no_render: Annotated[
        bool,
        typer.Option(
            "--no-render", metavar="", help="Chỉ làm sạch và tổng hợp, không dựng báo cáo."
        ),
    ] = False
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="SỐ",
            help="Số đơn vị xử lý song song; mặc định bằng số lõi CPU.",
        ),
    ] = None
    force: Annotated[
        bool,
        typer.Option(
            "--force", metavar="", help="Chạy lại tất cả, kể cả phần không có gì thay đổi."
        ),
    ] = False
    number: Annotated[
        int | None,
        typer.Option(
            "--number", min=1, metavar="SỐ", help="Số báo cáo (thay số trong config/report.yml)."
        ),
    ] = None
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="NGÀY",
            help="Ngày báo cáo, ví dụ 05/07/2021 (thay ngày trong config/report.yml).",
        ),
    ] = None
    signer: Annotated[
        str | None,
        typer.Option(
            "--signer", metavar="HỌ_TÊN", help="Họ tên người ký (thay tên trong config/report.yml)."
        ),
    ] = None
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            metavar="",
            help="Chỉ cho biết đơn vị nào, báo cáo nào sẽ chạy lại và vì sao.",
        ),
    ] = False


def options_command(args_type):
    """Make `body(args)` a typer command whose options are the fields of the dataclass
    `args_type` (each field's `Annotated` type and default): one value instead of ten
    parameters. Its docstring stays the command's help."""
    hints = get_type_hints(args_type, include_extras=True)
    parameters = [
        inspect.Parameter(
            f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=hints[f.name]
        )
        for f in fields(args_type)
    ]

    def wrap(body):
        @functools.wraps(body)
        def command(**given):
            return body(args_type(**given))

        command.__signature__ = inspect.Signature(parameters)
        return command

    return wrap


@app.command(**COMMAND)
@options_command(RunArgs)
def run(args: RunArgs) -> None:
    """Làm sạch, kiểm tra số liệu từng đơn vị, tổng hợp và dựng báo cáo DOCX, HTML.

    Chỉ những đơn vị có tệp (hoặc danh mục, sổ tay, mã nguồn) thay đổi mới được xử lý lại."""

    def body():
        from baocao.pipeline import explain_period, require_workbooks

        paths = ProjectPaths.default()
        chosen = _period(args.period, paths)
        options = _run_options(args, chosen, paths)
        require_workbooks(chosen, paths)  # before the progress bar: an empty folder stops here
        if args.explain:
            print_plan(f"Kỳ {chosen}: phần nào sẽ chạy lại", explain_period(chosen, paths, options))
            return
        result = _run_with_progress(chosen, paths, options)
        print_units(result)
        print_files(result)

    guarded(body)


def _run_options(args: RunArgs, period: str, paths: ProjectPaths):
    """The run's `RunOptions`; a wrong profile, configuration, date or number stops here,
    before any unit is processed."""
    from baocao.config.settings import apply_overrides, load_report_settings
    from baocao.pipeline import RunOptions
    from baocao.report.render.profiles import PROFILES

    if args.profile not in (None, *PROFILES):
        fail(
            f"Bản báo cáo “{args.profile}” không hợp lệ; chọn official (văn bản để ký), "
            "internal (dự thảo rà soát nội bộ) hoặc public (trang công khai)."
        )
    given = (("number", args.number), ("date", args.date), ("signer_name", args.signer))
    overrides = {key: value for key, value in given if value is not None}
    _config_problems(period, paths)
    apply_overrides(load_report_settings(paths.config, period), period, overrides)
    return RunOptions(
        profiles=(args.profile,) if args.profile else PROFILES,
        backend=args.backend,
        render=not args.no_render,
        jobs=args.jobs,
        force=args.force,
        overrides=overrides,
    )


def _run_with_progress(period: str, paths: ProjectPaths, options):
    """`run_period` under a progress bar of the units."""
    from baocao.pipeline import Progress as Callbacks
    from baocao.pipeline import run_period

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
        tasks.append(progress.add_task(f"Xử lý các đơn vị kỳ {period}", total=total))

    def unit_done(o) -> None:
        said = f"{'Dùng lại' if o.reused else 'Xong'} {o.unit_name}: {o.state}"
        progress.update(tasks[0], advance=1, description=said)

    try:
        return run_period(period, paths, options, Callbacks(units_counted, unit_done))
    finally:
        progress.stop()


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

    guarded(body)


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
        from baocao.config.outline import model_group
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
            group_of=lambda p: model_group(paths.config, p),
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

    guarded(body)


@app.command(**COMMAND)
def status(
    unit: Annotated[
        str | None,
        typer.Argument(
            metavar="ĐƠN_VỊ",
            help="Mã hoặc tên một đơn vị: xem các bản đã nhận và ô nào thay đổi giữa các bản.",
        ),
    ] = None,
    period: PeriodOption = None,
    unit_option: Annotated[
        str | None, typer.Option("--unit", "-u", metavar="ĐƠN_VỊ", help="Như tham số ĐƠN_VỊ.")
    ] = None,
) -> None:
    """Liệt kê đơn vị đã nộp và chưa nộp tệp số liệu của kỳ, đúng hạn hay muộn, số bản đã nhận."""
    guarded(lambda: show_status(period, unit or unit_option))


app.command("chot", **COMMAND)(chot)
app.command("mo-khoa", **COMMAND)(mo_khoa)


app.command("mark-checked", **COMMAND)(mark_checked)


def main() -> None:  # pragma: no cover - console entry for `python -m baocao.cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
