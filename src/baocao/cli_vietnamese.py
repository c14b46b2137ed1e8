"""The `baocao` command's help screens, usage lines and usage errors in Vietnamese.

typer and click write their own words in English. In: nothing (importing this module sets
typer.rich_utils' panel titles and fixed strings). Out: the click command classes
`VietnameseCommand` and `VietnameseGroup`, which say the usage line, the help option and every
usage error (missing argument, unknown option or command, bad value) in Vietnamese.
"""

from __future__ import annotations

import typer
import typer.core
import typer.rich_utils
from typer._click import exceptions as click  # typer 0.29 vendors click; its errors live here

# The help screens' own words, which typer and click write in English, in Vietnamese: the panel
# titles and fixed strings are typer.rich_utils settings; "Usage:" and the help option's text
# come from click's Command, so the command classes below override them.
HELP_TEXT = "Hiện hướng dẫn này rồi thoát."
USAGE = "Cách dùng:"
for _name, _text in {
    "ARGUMENTS_PANEL_TITLE": "Tham số",
    "OPTIONS_PANEL_TITLE": "Tùy chọn",
    "COMMANDS_PANEL_TITLE": "Lệnh",
    "ERRORS_PANEL_TITLE": "Lỗi",
    "ABORTED_TEXT": "Đã dừng.",
    "DEFAULT_STRING": "[mặc định: {}]",
    "ENVVAR_STRING": "[biến môi trường: {}]",
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "DEPRECATED_STRING": "(không còn dùng) ",
    "RICH_HELP": "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn.",
}.items():
    setattr(typer.rich_utils, _name, _text)


def _vietnamese_usage_error(error: click.UsageError) -> click.UsageError:
    """click's usage errors (written in English) said in Vietnamese, same type and context."""
    if isinstance(error, click.MissingParameter):
        param = error.param
        is_argument = isinstance(param, typer.core.TyperArgument)
        name = (param.metavar or param.name or "") if is_argument else (param.opts or [""])[0]
        text = f"Thiếu {'tham số' if is_argument else 'tùy chọn'} “{name}”."
    elif isinstance(error, click.NoSuchOption):
        text = f"Không có tùy chọn “{error.option_name}”."
        if error.possibilities:
            text += f" Có phải là: {', '.join(sorted(error.possibilities))}?"
    elif isinstance(error, click.BadParameter):
        param = error.param
        name = (param.opts or [param.metavar or param.name or ""])[0] if param else ""
        text = f"Giá trị không hợp lệ cho “{name}”." if name else "Giá trị không hợp lệ."
    elif isinstance(error, click.BadOptionUsage):
        text = f"Tùy chọn “{error.option_name}” dùng không đúng (thiếu giá trị hoặc thừa giá trị)."
    else:
        text = "Lệnh gọi không đúng cách (thừa tham số hoặc sai tên lệnh)."
    translated = click.UsageError(text, error.ctx)
    return translated


class _Vietnamese:
    """Mixin for click commands: the usage line, the help option and usage errors in Vietnamese."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.UsageError as error:
            raise _vietnamese_usage_error(error) from None

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)  # type: ignore[misc]
        except click.UsageError:
            name = args[0] if args else ""
            known = ", ".join(self.list_commands(ctx))  # type: ignore[attr-defined]
            raise click.UsageError(f"Không có lệnh “{name}”. Các lệnh: {known}.", ctx) from None

    def get_usage(self, ctx) -> str:
        usage = super().get_usage(ctx)  # type: ignore[misc]
        return usage.replace("Usage:", USAGE, 1)

    def get_params(self, ctx):
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if isinstance(param, typer.core.TyperArgument) and param.metavar:
                # The argument's Vietnamese name says what it is; typer would add "<path>".
                param.display_type_rich = lambda ctx: None
        return params

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            option.metavar = ""  # a switch takes no value: no "<bool>"
        return option


class VietnameseCommand(_Vietnamese, typer.core.TyperCommand):
    pass


class VietnameseGroup(_Vietnamese, typer.core.TyperGroup):
    pass
