"""Names in any script or spelling: the keys a person's name may be typed as.

`keys(spelling)` gives every folded form a spelling may be typed as: its own fold, and for a name
in another script (Жапаров) its romanisation under each common standard, written by the `iuliia`
library (Russian: Wikipedia, BGN/PCGN, ICAO passports, ISO 9, French, ...) with `anyascii` for
letters iuliia leaves alone (Kyrgyz ң ө ү, Kazakh, Ukrainian, other scripts). Each of those also
gives a loose key in which the usual disagreements between romanisations are one spelling:
zh = j = dzh = dj (Жапаров, Джапаров: Zhaparov, Japarov, Dzhaparov), kh = h, French ou = u,
a y between vowels (Kulubayev = Kulubaev), the endings -iy/-ii/-y of -ий, and apostrophes
and hyphens (Il'ich = Ilich).

Two spellings match when their keys meet. An exact fold always wins: `match` tries it first and
only then pays for transliteration. Pure; both libraries are imported on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from timeline.text import fold

# The standards whose outputs differ in ways people actually type; the other iuliia schemas
# repeat one of these for names.
_SCHEMAS = (
    "wikipedia",
    "bgn_pcgn",
    "icao_doc_9303",
    "mvd_310_fr",
    "telegram",
    "scientific",
    "gost_52535",
    "ala_lc_alt",
    "mosmetro",
    "yandex_maps",
)
_LOOSE = (
    (re.compile(r"['`\u2019\u02b9\u02ba\u00b7-]"), ""),
    (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"(?<=[aeiou])y(?=[aeiou])"), ""),
    (re.compile(r"(?<=[^aeiouy ])(?:iy|ii|yi|ij|yj|y)\b"), "i"),
)


def loose(folded: str) -> str:
    """A folded Latin spelling with the usual differences between romanisations merged."""
    for pattern, replacement in _LOOSE:
        folded = pattern.sub(replacement, folded)
    return folded


@lru_cache(maxsize=4096)
def romanisations(spelling: str) -> frozenset[str]:
    """The folded Latin forms of a name written in another script; empty for a Latin name."""
    if spelling.isascii() or fold(spelling).isascii():
        return frozenset()
    import iuliia  # type: ignore[import-untyped]
    from anyascii import anyascii  # type: ignore[import-untyped]

    out = {fold(anyascii(spelling))}
    for name in _SCHEMAS:
        out.add(fold(anyascii(iuliia.schemas.get(name).translate(spelling))))
    return frozenset(x for x in out if x)


@lru_cache(maxsize=4096)
def keys(spelling: str) -> frozenset[str]:
    """Every folded key `spelling` may be typed as: its fold, its romanisations, and their loose forms."""
    exact = fold(spelling)
    forms = {exact, *romanisations(spelling)}
    return frozenset(forms | {loose(f) for f in forms if f.isascii()})


def begins(typed: str, spellings: Iterable[str]) -> bool:
    """Does some word of one of `spellings` begin with `typed`, in any script or romanisation? (completion)"""
    wanted = [k for k in keys(typed) if k]
    for s in spellings:
        for key in keys(s):
            if any(key.startswith(w) or f" {w}" in key for w in wanted):
                return True
    return False


def match(typed: str, spellings: Iterable[str]) -> tuple[str, bool] | None:
    """The first of `spellings` that `typed` names, and whether only a transliteration matched.

    (spelling, False) for an exact match ignoring case and accents, (spelling, True) when the
    two are spellings of one name in different scripts or romanisations, None when neither.
    """
    spellings = list(spellings)
    wanted = fold(typed)
    for s in spellings:
        if fold(s) == wanted:
            return s, False
    typed_keys = keys(typed)
    for s in spellings:
        if not typed_keys.isdisjoint(keys(s)):
            return s, True
    return None
