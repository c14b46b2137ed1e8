"""The report's two profiles (Quarto's term) and content that differs between them.

The report's code runs once for every profile: each cell that prints content which differs
between the internal draft and the public page prints every profile's version, each inside
Quarto's conditional content (`::: {.content-visible when-profile="internal"}`). The profile
decides what is kept when the executed notebook is converted — Quarto itself for the Quarto
backend, `assets/conditional.lua` for the built-in one — so the public page never is the
internal output edited afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

PROFILES = ("internal", "public")  # the first is the default, as in _quarto.yml's group
# What a user reads for each profile (the identifiers stay in code, options and file names).
PROFILE_NAMES = {"internal": "bản nội bộ", "public": "bản công khai"}
FENCE = "::::"  # longer than the report's own `:::` divs, so those nest inside


def when_profile(profile: str, markdown: str) -> str:
    """Markdown shown only in `profile`'s outputs (empty when `markdown` is blank)."""
    if not markdown.strip():
        return ""
    return (
        f'{FENCE} {{.content-visible when-profile="{profile}"}}\n\n{markdown.strip()}\n\n{FENCE}\n'
    )


def by_profile(variants: Mapping[str, str]) -> str:
    """One Markdown text from each profile's version: the text itself when every profile has
    the same, else each version inside its profile's conditional content.

    `variants` maps a profile ("internal", "public") to its Markdown; a profile left out gets
    nothing. Raises ValueError for a profile that does not exist.
    """
    unknown = set(variants) - set(PROFILES)
    if unknown:
        raise ValueError(f"unknown profiles: {sorted(unknown)}")
    texts = [variants.get(profile, "") for profile in PROFILES]
    if all(text == texts[0] for text in texts):
        return texts[0]
    return "\n".join(
        block
        for profile, text in zip(PROFILES, texts, strict=True)
        if (block := when_profile(profile, text))
    )


def variants(report: Any) -> dict[str, Any]:
    """The report object once per profile (a dataclass with a `profile` field; nothing is
    recomputed, only the field differs)."""
    return {profile: replace(report, profile=profile) for profile in PROFILES}


def each_profile(reports: Mapping[str, Any], write: Callable[..., str], *args: Any) -> str:
    """`write(report, *args)` for each profile's report, combined by `by_profile`."""
    return by_profile({profile: write(report, *args) for profile, report in reports.items()})
