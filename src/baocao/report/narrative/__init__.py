"""The analysts' narrative: `narrative/<period>/*.md` and the period's Word document.

In: the narrative folder of a period, the outline, the figure names. Out: one `Narrative` per
section (`markdown.Narrative`), loaded by `source.load_narratives` from the Word document when
there is one, else from the Markdown files; the Word document written (`write`). Modules:
`markdown` (the Markdown files and figure names in braces), `source` (which side wins, digests),
`read`/`runs`/`ooxml` (reading a Word document), `assign` (its paragraphs to sections),
`notes` (the guidance notes), `write` (writing the document). The lowest content subpackage:
imports nothing of report/ outside itself.
"""
