"""What a run says about the period's narrative before anything is processed: where its text
comes from, the tracked changes still pending, its warnings, and whether the document to sign
is a draft and what it lacks (`narrative.draft`).

In: the project's paths and a period. Out: a plain dict for the run's console and manifest
(`narrative_summary`); `report.render.plan` reads its "draft" to withhold the public page.
Raises `BaocaoError` for any mistake the report would stop at (an unknown figure name, a stray
brace, a Word document and Markdown files both edited): the run stops before processing
anything, the previous outputs whole.
"""

from __future__ import annotations

from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period


def narrative_summary(paths: ProjectPaths, period: str, check_names: bool = True) -> dict:
    """Where the report's narrative comes from (Word document or Markdown files), the tracked
    changes still pending, the warnings, the long reasons a heading problem makes the report a
    draft (`draft_reasons`) and one line per thing the document to sign lacks (`draft`, empty
    when it is final). `check_names=False` skips the figure names' check (a report was rendered
    from this very text, configuration and code)."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.report.narrative.draft import draft_of
    from baocao.report.narrative.markdown import check_narratives
    from baocao.report.narrative.source import load_narratives

    catalogue = load_catalogue(paths.config, period)
    outline = load_outline(paths.config, catalogue, period)
    found = load_narratives(
        paths.root / "narrative" / period, outline, Period.parse(period), paths.root
    )
    # The names the report fills (`sentences.figure_names`) are the glossary's, whatever the
    # figures: checked here, before the units are processed.
    if check_names:
        from baocao.report.compose.sentences import figure_glossary  # pandas: only when checking

        names = (name for name, _, _ in figure_glossary(catalogue, outline))
        check_narratives(found.narratives, names)
    return {
        "source": found.source,
        "file": found.shown,
        "sections": sorted(found.narratives),
        "pending_changes": found.pending,
        "messages": list(found.messages),
        "draft_reasons": list(found.draft_reasons),
        "draft": draft_of(outline, found, Period.parse(period)).items(),
    }
