"""A render run: report.qmd executed once, each output converted, finished, checked, published.

In: a period, profiles, project paths, overrides (`reports.render_reports`). Out: the files of
`_output/<period>/`, moved into place only when all are finished and checked (`job`). Modules:
`formats` (the registry of output formats: conversion, finishing, check, file name, profiles),
`output_files` (the output file names, light to import), `backends` (which backend),
`builtin`/`quarto` (the two backends), `execute`/`kernel` (running report.qmd's code),
`quarto_config` (the HTML options shared by both), `profiles` (official/internal/public),
`narrative_check` (the narrative before a run: source, warnings, draft), `plan` (what a
period's run will do and why: the one plan `run` carries out and `--explain` prints). The top of
report/: imports every other subpackage, imported by none.
"""
