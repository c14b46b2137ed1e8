"""The report's three profiles (Quarto's term) and content that differs between them.

* `official`: the document to sign, `bao-cao-<kỳ>.docx` — only what the recipients read (the
  report, Phụ lục I and II, the restricted sub-parts such as the cases followed up with the
  authorities, since the signed report goes to the committee's superiors);
* `internal`: the internal review draft, `bao-cao-<kỳ>-noi-bo.docx` and `.html` — everything
  for the analyst: the validation annex, guidance under empty sections, notebook links, notes;
* `public`: the published page, `bao-cao-<kỳ>-cong-khai.html` — no restricted sub-part.

The report's code runs once for every profile: each cell that prints content which differs
between profiles prints every version, each inside Quarto's conditional content (`::: {.content-
visible when-profile="internal"}`, or `unless-profile="public"` for what all but one share).
The profile decides what is kept when the executed notebook is converted — Quarto itself for
the Quarto backend, `assets/conditional.lua` for the built-in one — so no output is another
profile's edited afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

PROFILES = ("official", "internal", "public")  # the first is the default, as in _quarto.yml
OFFICIAL, INTERNAL, PUBLIC = PROFILES
# What a user reads for each profile's document (the identifiers stay in code, options, files).
PROFILE_NAMES = {
    OFFICIAL: "văn bản để ký",
    INTERNAL: "dự thảo rà soát nội bộ",
    PUBLIC: "trang công khai",
}
# The profiles whose documents hold the restricted sub-parts (never the public page).
RESTRICTED = (OFFICIAL, INTERNAL)
FENCE = "::::"  # longer than the report's own `:::` divs, so those nest inside


def when_profile(profile: str, markdown: str) -> str:
    """Markdown shown only in `profile`'s outputs (empty when `markdown` is blank)."""
    return _conditional(f'when-profile="{profile}"', markdown)


def unless_profile(profile: str, markdown: str) -> str:
    """Markdown shown in every profile's outputs but `profile`'s (empty when blank)."""
    return _conditional(f'unless-profile="{profile}"', markdown)


def _conditional(condition: str, markdown: str) -> str:
    if not markdown.strip():
        return ""
    return f"{FENCE} {{.content-visible {condition}}}\n\n{markdown.strip()}\n\n{FENCE}\n"


def by_profile(variants: Mapping[str, str]) -> str:
    """One Markdown text from each profile's version: the text itself when every profile has
    the same, else each distinct version once, inside the conditional content of the profiles
    that show it (`when-profile` for one, `unless-profile` for all but one).

    `variants` maps a profile ("official", "internal", "public") to its Markdown; a profile
    left out gets nothing. Raises ValueError for a profile that does not exist.
    """
    unknown = set(variants) - set(PROFILES)
    if unknown:
        raise ValueError(f"unknown profiles: {sorted(unknown)}")
    texts = {profile: variants.get(profile, "") for profile in PROFILES}
    if len(set(texts.values())) == 1:
        return texts[PROFILES[0]]
    shown_by: dict[str, list[str]] = {}
    for profile, text in texts.items():
        shown_by.setdefault(text, []).append(profile)
    blocks = []
    for text, profiles in shown_by.items():
        if len(profiles) == 1:
            blocks.append(when_profile(profiles[0], text))
        elif len(profiles) == len(PROFILES) - 1:
            (left_out,) = set(PROFILES) - set(profiles)
            blocks.append(unless_profile(left_out, text))
        else:
            blocks += [when_profile(profile, text) for profile in profiles]
    return "\n".join(block for block in blocks if block)


def variants(report: Any) -> dict[str, Any]:
    """The report object once per profile (a dataclass with a `profile` field; nothing is
    recomputed, only the field differs)."""
    return {profile: replace(report, profile=profile) for profile in PROFILES}


def each_profile(reports: Mapping[str, Any], write: Callable[..., str], *args: Any) -> str:
    """`write(report, *args)` for each profile's report, combined by `by_profile`."""
    return by_profile({profile: write(report, *args) for profile, report in reports.items()})
