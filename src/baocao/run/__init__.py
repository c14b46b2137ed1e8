"""Running a period's units: discover their files, run each unit's notebook, total the period.

In: `data/raw/<period>/` and the configuration. Out: `data/processed/<period>/` (values,
models, status and validation tables, `run.json`), the executed notebooks, the content-keyed
cache that decides what reruns, and the manifest's pieces. Never imports `report`: the report
reads what this stage wrote.
"""
