"""Ids: readable slugs for new events, actors and sources (names are resolved in timeline.query.resolve)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from timeline.store.fields import id_problem

__all__ = ["event_id", "id_problem", "name_id", "slug", "unique"]

# Words that make an id longer without making it easier to recognise.
_STOP = frozenset((
    "a", "an", "the", "of", "to", "and", "or", "in", "on", "at", "for", "with", "about", "by", "from", "as",
    "is", "are", "was", "were", "be", "its",
))  # fmt: skip
_WORDS = 6
_NAME_WORDS = 10
_MAX = 60
# Kyrgyz and Russian letters, so that a Cyrillic title still gives a readable id.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def slug(text: str, *, keep_short: bool = False, limit: int = _WORDS) -> str:
    """Lower-case ASCII words joined by '-', short words like 'the' left out unless `keep_short`; may be ''."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text.casefold())
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    # "Japarov's" is one word, not "japarov" and "s".
    found = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"['\u2019]", "", ascii_)) if w]
    kept = found if keep_short else [w for w in found if w not in _STOP] or found
    out = ""
    for w in kept[:limit]:
        if out and len(out) + 1 + len(w) > _MAX:
            break
        out = f"{out}-{w}" if out else w[:_MAX]
    return out


def event_id(date_text: str, title: str) -> str:
    """The id a new event gets: its date as written (to the day at most) and its title's words."""
    ends = [part for part in date_text.split("/") if part not in ("", "..")]
    day = re.sub(r"[?~%]|T.*", "", ends[0] if ends else "")
    day = re.sub(r"-XX", "", day).lower()
    words = slug(title)
    return "-".join(part for part in (day, words) if part) or "event"


def name_id(name: str) -> str:
    """The id a new actor or source gets from its name: every word, so 'Business (Japan)' is business-japan.

    The same name always gives the same id (before `unique`); 'of' and 'the' stay, because in a
    name they tell people apart ('Abdullah II of Jordan' is abdullah-ii-of-jordan).
    """
    return slug(name, keep_short=True, limit=_NAME_WORDS)


def unique(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, … whichever is not taken yet."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
