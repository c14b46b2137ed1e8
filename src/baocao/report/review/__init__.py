"""What reviewers and analysts get besides the report, and the checks on an HTML page.

In: a finished HTML page; a unit's executed notebook; the appendices' frames. Out: the page's
problems (`html_check`: not self-contained, internal content on the public page), a
self-contained HTML page per unit notebook (`pages.render_notebooks`, reduced by `notebook`),
and the appendices as an Excel workbook (`export.build_workbook`, `export.write_workbook`).
Imports `compose`, `narrative` and `programs`.
"""
