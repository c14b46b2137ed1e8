"""Outside programs run with a memory and a time bound: pandoc (`pandoc`), any other (`external`).

In: a program's arguments and the document it works on. Out: its result, or `ExternalError`
(a Vietnamese message naming the program and the document) when it fails, runs out of memory
or time. Public face: `external.run_bounded`, `external.pandoc_bound`, `external.external_bound`,
`pandoc.run_pandoc`, `pandoc.pandoc_path`. Imports nothing else of report/.
"""
