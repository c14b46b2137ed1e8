"""The processed files of a unit sent in parts (`run.parts`), written beside the other units'.

- Held (the default): the unit gets a status “có lỗi” with the error naming its parts and no
  figure, so the report shows it as not complete and nothing of it enters the totals.
- Added up (the analyst listed the unit under the period's `add_up_parts`, config/report*.yml):
  each part was processed as a unit of its own (`parts.part_unit`); here the parts' figures
  are added into the unit's. A figure counts only when every part reported it and has it
  counted; a figure not totalled by a sum (a rate: `total.method` weighted_mean) is refused
  (no value: a sum of rates means nothing).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from baocao.config.catalog import Catalogue
from baocao.config.units import Unit
from baocao.errors import Issue
from baocao.run.store import UNITS_FOLDER, read_csv, read_unit_status, write_unit
from baocao.unit.clean import VALUE_COLUMNS
from baocao.unit.models import MODEL_COLUMNS
from baocao.unit.validate import unit_state

_NO_VALUES = pd.DataFrame(columns=list(VALUE_COLUMNS))
_NO_MODELS = pd.DataFrame(columns=list(MODEL_COLUMNS))


def write_held(
    processed: Path, unit: Unit, source_files: list[str], message: str, kind: str
) -> None:
    """A unit whose files are parts, not added up: “có lỗi”, no figure, the parts' error
    (`kind`: `parts.IN_PARTS` or `parts.OWN_AND_PART`)."""
    issue = Issue("error", kind, message)
    write_unit(
        processed,
        unit_code=unit.code,
        unit_name=unit.name,
        source_file=", ".join(source_files),
        state=unit_state((issue,)),
        rows_read=0,
        values=_NO_VALUES,
        models=_NO_MODELS,
        issues=(issue,),
        gx_result=None,
    )


def add_up_values(parts: list[pd.DataFrame], unit_code: str, catalogue: Catalogue) -> pd.DataFrame:
    """The unit's values (VALUE_COLUMNS, catalogue order) from its parts' values frames (one
    per part). An indicator is `included` only when every part reported it, counted, and the
    catalogue totals it by a sum; a rate's value is left empty (NaN)."""
    summable = {i.code for i in catalogue.indicators if i.total_method == "sum"}
    every = pd.concat(parts, ignore_index=True)
    rows = []
    for code, group in every.groupby("indicator_code", sort=False):
        reported = group[group["reported"].astype(bool)]
        # Counted only when every part reported it and has it counted: a part left blank
        # would make one part's figure the whole unit's.
        counted = len(reported) == len(parts) and bool(reported["included"].astype(bool).all())
        added = len(reported) and code in summable
        rows.append(
            {
                "period": group["period"].iloc[0],
                "unit_code": unit_code,
                "indicator_code": code,
                "value": float(reported["value"].sum()) if added else float("nan"),
                "reported": bool(len(reported)),
                "included": counted and code in summable,
                "source_file": " + ".join(dict.fromkeys(reported["source_file"].astype(str))),
                "sheet": group["sheet"].iloc[0],
                "cell": "; ".join(str(c) for c in reported["cell"] if isinstance(c, str)),
            }
        )
    frame = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    order = {code: i for i, code in enumerate(catalogue.codes)}
    return frame.sort_values("indicator_code", key=lambda s: s.map(order)).reset_index(drop=True)


def write_added_up(
    processed: Path, unit: Unit, part_codes: list[str], catalogue: Catalogue, warning: str
) -> None:
    """Write the unit's files as the sum of its parts' (each processed under its part code)."""
    folder = Path(processed) / UNITS_FOLDER
    records = [read_unit_status(processed, code) or {} for code in part_codes]
    values = [read_csv(folder / f"{code}.values.csv") for code in part_codes]
    models = [
        read_csv(path).assign(unit_code=unit.code)
        for code in part_codes
        if (path := folder / f"{code}.models.csv").is_file()
    ]
    issues = [Issue("warning", "added_up_parts", warning)]
    for record in records:  # each part's status has the "added up" warning too: said once
        issues.extend(
            Issue(**issue)
            for issue in record.get("issues") or []
            if issue.get("kind") != "added_up_parts"
        )
    write_unit(
        processed,
        unit_code=unit.code,
        unit_name=unit.name,
        source_file=", ".join(str(r.get("source_file", "")) for r in records),
        state=unit_state(tuple(issues)),
        rows_read=sum(int(r.get("rows_read", 0)) for r in records),
        values=add_up_values(values, unit.code, catalogue),
        models=pd.concat(models, ignore_index=True) if models else _NO_MODELS,
        issues=tuple(issues),
        gx_result=None,
        illustrative=any(bool(r.get("illustrative")) for r in records),
    )
