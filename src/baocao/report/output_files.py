"""The names of the files a render leaves in `_output/<period>/`, and nothing else.

Kept apart from the modules that write those files (render_job, export) so that a rerun with
nothing to render, which only checks that the files are there, imports neither python-docx nor
openpyxl nor pandas.
"""

from __future__ import annotations

FORMATS = ("docx", "html")


def output_names(period: str, profile: str) -> dict[str, str]:
    """File names by format. The public profile is the published HTML only."""
    if profile == "public":
        return {"html": f"bao-cao-{period}-cong-khai.html"}
    return {fmt: f"bao-cao-{period}.{fmt}" for fmt in FORMATS}


def export_name(period: str) -> str:
    """The Excel workbook of the appendices, beside the internal report."""
    return f"bao-cao-{period}-so-lieu.xlsx"


def report_files(period: str, profile: str) -> list[str]:
    """Every file a profile's render leaves; the internal one adds the Excel export."""
    names = list(output_names(period, profile).values())
    return [*names, export_name(period)] if profile == "internal" else names
