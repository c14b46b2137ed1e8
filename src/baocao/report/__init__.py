"""The report: figures, sentences, tables, charts and narrative woven into DOCX and HTML.

In: the processed data of a period (and of the same period a year earlier), the outline and
settings in force, the analysts' narrative (Markdown files or the Word document). Out: the
internal DOCX and HTML, the public HTML, the Excel export of the appendices and the reviewers'
notebook pages, rendered by Quarto or the built-in backend from `report.qmd`.
"""
