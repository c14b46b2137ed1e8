"""The rendered DOCX put into the official layout (Nghị định 30/2020/NĐ-CP).

In: pandoc's DOCX of the report, the report settings, the period and profile. Out: the same
file finished in place (`finish.finish_docx`): header block, title, signature, page numbers,
landscape appendix sections, tables laid out; and the reference document pandoc writes with
(`style.build_reference_docx`). Public face: `finish`, `style`; `layout`, `form`, `sections`
and `tables` are its parts. Imports `compose` (titles, table layout) and `programs` (pandoc).
"""
