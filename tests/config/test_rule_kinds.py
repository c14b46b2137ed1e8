"""A new kind of rule is one entry of the registry (`config.rule_kinds`): registered here, it is
read from the catalogue, checked by the real Great Expectations suite, put on the template's
value cells, guarded in the sample plan and used by the tests' recomputation."""

from __future__ import annotations

import copy

import pytest
import yaml
from conftest import project_copy
from recompute import breaks_an_error_rule

from baocao.config.catalog import load_catalogue, parse_catalogue
from baocao.config.rule_kinds import Bound, RuleKind, register, unregister
from baocao.errors import ConfigError
from baocao.intake import layout
from baocao.intake.template import build_template
from baocao.sample_plan import sample_plan
from baocao.unit.clean import nothing_read
from baocao.unit.validate import validate_unit

CODE = "hg_vu_tiep_nhan"


@pytest.fixture
def at_most():
    """A kind none of the code knows: "at most `limit`", written once, here."""
    kind = register(
        RuleKind(
            "at_most",
            keys=("limit",),
            parse=lambda raw, where: {"max": float(raw["limit"])},
            describe=lambda rule, catalogue: f"không được vượt quá {rule.max:g}",
            bounds=lambda rule, code, figures: [Bound("max", rule.max)],
            excel=lambda rule: (None, rule.max),
        )
    )
    yield kind
    unregister(kind.name)


def declared(data: dict, limit: int) -> dict:
    data = copy.deepcopy(data)
    indicator = next(i for i in data["indicators"] if i["code"] == CODE)
    indicator.setdefault("rules", []).append({"rule": "at_most", "limit": limit})
    return data


@pytest.fixture(scope="module")
def base(project):
    return yaml.safe_load((project.config / "indicators.yml").read_text(encoding="utf-8"))


def test_a_new_kind_is_read_validated_and_put_on_the_template(at_most, base):
    catalogue = parse_catalogue(declared(base, 50))
    rule = catalogue.indicator(CODE).rules[-1]
    assert (rule.rule, rule.severity, rule.max) == ("at_most", "error", 50.0)
    # The catalogue checks its keys by the kind's entry.
    wrong = declared(base, 50)
    next(i for i in wrong["indicators"] if i["code"] == CODE)["rules"][-1]["limt"] = 5
    with pytest.raises(ConfigError, match="limt"):
        parse_catalogue(wrong)

    values = nothing_read(catalogue, period="2021-H1", unit_code="181", source_file="t.xlsx")
    frame = values.values
    mask = frame["indicator_code"] == CODE
    frame.loc[mask, ["value", "reported", "included", "sheet", "cell"]] = [
        60,
        True,
        True,
        "Số liệu",
        "E58",
    ]
    [issue] = validate_unit(frame, catalogue).issues
    assert (issue.kind, issue.cell, issue.value) == ("rule_at_most", "E58", 60)
    assert issue.message == (
        "Số vụ việc hòa giải tiếp nhận = 60 không được vượt quá 50. Hãy sửa lại số liệu."
    )
    assert (
        not validate_unit(frame, catalogue).values.set_index("indicator_code").loc[CODE, "included"]
    )

    sheet = build_template(None, "2021-H1", catalogue, "Lạng Sơn")[layout.SHEET_DATA]
    code_col = layout.DATA_COLUMNS.index(layout.COL_CODE) + 1
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, code_col).value == CODE)
    cell = f"E{row}"
    [covering] = [v for v in sheet.data_validations.dataValidation if cell in v.sqref]
    # With the kind's own rule (≥ 0), the cell takes 0 to 50.
    assert (covering.type, covering.operator, covering.formula1, covering.formula2) == (
        "whole",
        "between",
        "0",
        "50",
    )


def test_a_new_kind_guards_the_sample_and_drives_the_recomputation(at_most, base, tmp_path):
    paths = project_copy(tmp_path, "2020-H1")
    path = paths.config / "indicators.yml"
    path.write_text(yaml.safe_dump(declared(base, 1), allow_unicode=True), encoding="utf-8")
    load_catalogue(paths.config, "2020-H1")  # the file is a catalogue the code reads
    with pytest.raises(AssertionError, match=f"sample breaks at_most at .*/{CODE}"):
        sample_plan("2020-H1", paths)
    assert breaks_an_error_rule(CODE, {CODE: 2.0}, declared(base, 1))
    assert not breaks_an_error_rule(CODE, {CODE: 1.0}, declared(base, 1))
