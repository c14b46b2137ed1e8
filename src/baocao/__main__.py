"""`python -m baocao` is the `baocao` command."""

from baocao.cli import app

app(prog_name="baocao")
