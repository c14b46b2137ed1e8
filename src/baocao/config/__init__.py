"""Configuration: what the province's `config/` folder says, for a given period.

In: the YAML files under `config/` (units, indicator catalogue, outline, report settings, each
versioned by range of periods) and the environment variables that place the project folders.
Out: typed, checked objects — `Catalogue`, `Units`, `Outline`, `ReportSettings`, `Period`,
`ProjectPaths` — and unit names resolved to codes. Reads no workbook and writes nothing.
"""
