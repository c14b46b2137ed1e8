"""The report: figures, sentences, tables, charts and narrative woven into DOCX and HTML.

In: the processed data of a period (and of the same period a year earlier), the outline and
settings in force, the analysts' narrative (Markdown files or the Word document). Out: the
DOCX to sign (marked DỰ THẢO while the narrative is incomplete), the internal review draft
(DOCX and HTML), the public HTML (never from a draft), the Excel export of the appendices and
the reviewers' notebook pages, rendered by Quarto or the built-in backend from `report.qmd`.

Subpackages, lowest first; a module imports only from its own subpackage and those before it
(tests/test_architecture.py):

1. `programs`  — outside programs (pandoc, Quarto, LibreOffice) run under memory/time bounds.
2. `narrative` — the analysts' text: Markdown files and the period's Word document.
3. `compose`   — the report's content: figures, sentences, tables, charts, parts, titles.
4. `docx`      — the rendered DOCX put into the official layout.
5. `review`    — checks and side outputs: HTML checks, reviewers' notebook pages, Excel export.
6. `render`    — a render run: job, execution of report.qmd, backends, the output formats.

The `__init__` modules import nothing, so a run that renders nothing stays light.
"""
