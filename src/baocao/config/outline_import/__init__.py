"""`baocao outline import`: a new outline version from the đề cương's Word document.

The steps, each its own module: `document` (the paragraphs and tables as parts, numbered
sections and guidance), `carry` (matched to the outline in force: what is kept, renamed, new,
gone), `version` (the file `config/outline-<kỳ>.yml`, its range, the edit of the version
before) and `proposals` (the phụ biểu's rows as catalogue entries to confirm). `plan_import`
puts them together without writing; `write_import` writes what it planned and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from baocao.base.files import atomic_write_text
from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.check import check_config
from baocao.config.outline import Outline, load_outline
from baocao.config.outline_import.carry import Imported, carry_over
from baocao.config.outline_import.document import DocOutline, WordParagraph, WordTable, structure
from baocao.config.outline_import.proposals import (
    Proposal,
    proposals_yaml,
    propose_indicators,
    suggest_sections,
)
from baocao.config.outline_import.version import VersionPlan, outline_yaml, plan_version
from baocao.config.periods import Period
from baocao.config.versions import load_versioned_yaml
from baocao.errors import ConfigError

__all__ = ["ImportPlan", "WordParagraph", "WordTable", "plan_import", "write_import"]


@dataclass
class ImportPlan:
    period: str
    source: str  # the document, as shown
    document: DocOutline
    before: Outline  # the outline in force for the period before the import
    imported: Imported
    version: VersionPlan
    text: str  # the new version's YAML
    proposals: list[Proposal]
    proposals_path: Path
    suggested: dict[str, tuple[str, str]]  # section id → (catalogue section, its title)


def plan_import(
    items: list[WordParagraph | WordTable], config_dir: Path, period: str, source: str
) -> ImportPlan:
    """What importing the document's `items` as the outline from `period` would write."""
    start = Period.parse(period)
    catalogue: Catalogue = load_catalogue(config_dir, str(start))
    before = load_outline(config_dir, catalogue, str(start))
    old_data, _ = load_versioned_yaml(config_dir, "outline", str(start))
    document = structure(items)
    if not any(part.sections for part in document.parts):
        raise ConfigError(
            f"Tài liệu {source} không có đề mục nào được đánh số (“1.”, “1.1.”, “a)”) hay in "
            "đậm: không nhận ra đề cương. Hãy kiểm tra lại tệp (có đúng là đề cương báo cáo?)."
        )
    imported = carry_over(document, before, old_data, start)
    version = plan_version(config_dir, str(start))
    tables = [t for part in document.parts for t in part.tables]
    attached = {
        s["figures"]
        for part in imported.data["parts"]
        for s in part.get("sections", [])
        if "figures" in s
    }
    return ImportPlan(
        period=str(start),
        source=source,
        document=document,
        before=before,
        imported=imported,
        version=version,
        text=outline_yaml(imported.data, version, source),
        proposals=propose_indicators(tables, catalogue),
        proposals_path=Path(config_dir) / "de-xuat" / f"chi-tieu-{start}.yml",
        suggested=suggest_sections(imported.changes, catalogue, attached),
    )


def write_import(plan: ImportPlan, overwrite: bool = False) -> list[str]:
    """Write the planned version (and the edit of the one before, and the proposals), then
    check the configuration of the period; returns the problems `check-config` finds.
    An existing version file is never replaced unless `overwrite`: it is kept beside it as
    `<name>.yml.cu` first. Raises `ConfigError` when it exists and `overwrite` is not set."""
    target = plan.version.target
    if target.exists():
        if not overwrite:
            raise ConfigError(
                f"Đã có tệp {target}: lệnh không ghi đè. Muốn thay bằng đề cương mới, chạy lại "
                "với --overwrite (tệp cũ được giữ lại với đuôi .yml.cu)."
            )
        backup = target.with_name(target.name + ".cu")
        atomic_write_text(backup, target.read_text(encoding="utf-8"))
    if plan.version.previous is not None:
        atomic_write_text(plan.version.previous.path, plan.version.previous_text)
    atomic_write_text(target, plan.text)
    if plan.proposals:
        plan.proposals_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(plan.proposals_path, proposals_yaml(plan.proposals, plan.source))
    config_dir = target.parent
    problems = list(check_config(config_dir, plan.period).problems)
    if plan.version.previous is not None:
        before = str(plan.version.previous.first)
        problems += [p for p in check_config(config_dir, before).problems if p not in problems]
    return problems
