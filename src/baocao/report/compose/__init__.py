"""The report's content, as Markdown and frames report.qmd prints: no file format here.

In: the processed data of a period and the year before (`data.load_report_data`), the outline,
the catalogue, the narratives (`narrative`). Out: `parts.build_report` — the report's parts,
each section's figures and sentences (`figures`, `sentences`), the appendices' tables
(`appendices`, `table_layout`), the units' submissions (`submissions`), charts (`charts`),
titles (`titles`); Markdown helpers in `markdown`. `narrative_document` is `baocao narrative`
(the Word document with the figures table). Imports `narrative` below it.
"""
