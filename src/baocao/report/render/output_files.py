"""The names of the files a render leaves in `_output/<period>/`, and nothing else.

Kept apart from the modules that write those files (render.job, review.export) so that a rerun
with nothing to render, which only checks that the files are there, imports neither python-docx
nor openpyxl nor pandas. The report's formats, and which profile writes which, come from the
registry (`formats`).
"""

from __future__ import annotations

from baocao.report.render.formats import formats_for


def output_names(period: str, profile: str) -> dict[str, str]:
    """File names by format, for the formats `profile` writes (the public profile: the HTML)."""
    return {fmt.name: fmt.file_name(period, profile) for fmt in formats_for(profile)}


def export_name(period: str) -> str:
    """The Excel workbook of the appendices, beside the internal report."""
    return f"bao-cao-{period}-so-lieu.xlsx"


def report_files(period: str, profile: str) -> list[str]:
    """Every file a profile's render leaves; the internal one adds the Excel export."""
    names = list(output_names(period, profile).values())
    return [*names, export_name(period)] if profile == "internal" else names
