"""Ids: readable slugs for new entries, and the ids behind the names people type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping

from timeline.store.fields import id_problem
from timeline.text import close_matches, fold

__all__ = ["Names", "Unknown", "event_id", "id_problem", "slug", "unique"]

# Words that make an id longer without making it easier to recognise.
_STOP = frozenset((
    "a", "an", "the", "of", "to", "and", "or", "in", "on", "at", "for", "with", "about", "by", "from", "as",
    "is", "are", "was", "were", "be", "its",
))  # fmt: skip
_WORDS = 6
_MAX = 60
# Kyrgyz and Russian letters, so that a Cyrillic title still gives a readable id.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


class Unknown(LookupError):
    """A typed name that matches nothing (or too much); str() says what and suggests ids."""


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-', short words like 'the' left out; may be ''."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text.casefold())
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    # "Japarov's" is one word, not "japarov" and "s".
    words = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"['\u2019]", "", ascii_)) if w]
    kept = [w for w in words if w not in _STOP] or words
    out = ""
    for w in kept[:_WORDS]:
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


def unique(base: str, taken: Collection[str]) -> str:
    """`base`, or `base-2`, `base-3`, … whichever is not taken yet."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


class Names:
    """Finds the id behind an id, name or alias as typed, ignoring case and accents."""

    def __init__(
        self,
        kind: str,
        ids: Iterable[str],
        names: Mapping[str, Iterable[str]],
        *,
        hint: str,
        transliterate: bool = False,
    ) -> None:
        self.kind = kind
        self.hint = hint
        self.transliterate = transliterate  # also find a name written in another script or romanisation (people)
        self._ids = set(ids)
        self._by_fold: dict[str, set[str]] = {}
        self._label: dict[str, str] = {}  # id -> "id (first name)", for suggestions
        for i in self._ids:
            self._note(i, i)
        for i, spellings in names.items():
            for spelling in spellings:
                self._note(spelling, i)
                self._label.setdefault(i, f"{i} ({spelling})" if spelling != i else i)

    def _note(self, spelling: str, ident: str) -> None:
        self._by_fold.setdefault(fold(spelling), set()).add(ident)

    def add(self, ident: str) -> None:
        """Make a new id known (an event earlier in the same import)."""
        self._ids.add(ident)
        self._note(ident, ident)

    def find(self, typed: str) -> str:
        """The one id `typed` stands for; raises Unknown naming the closest matches."""
        if typed in self._ids:
            return typed
        hits = self._by_fold.get(fold(typed), set()) or (self._spelt(typed) if self.transliterate else set())
        if len(hits) == 1:
            return next(iter(hits))
        if hits:
            raise Unknown(f"{self.kind} '{typed}' could be any of {', '.join(sorted(hits))}; give the id")
        raise Unknown(f"unknown {self.kind} '{typed}'; {self.closest(typed)}")

    def _spelt(self, typed: str) -> set[str]:
        """Ids with a spelling that `typed` writes in another script or romanisation (only asked on a miss)."""
        from timeline import names

        typed_keys = names.keys(typed)
        return {
            i
            for spelling, found in self._by_fold.items()
            if not typed_keys.isdisjoint(names.keys(spelling))
            for i in found
        }

    def closest(self, typed: str) -> str:
        """'closest: a (Name), b', else the hint for adding one."""
        close = close_matches(fold(typed), self._by_fold, n=5)
        if not close and self.transliterate and not typed.isascii():
            from timeline import names

            # A misspelt name in another script: compare its romanisations with the known spellings.
            close = [c for form in sorted(names.romanisations(typed)) for c in close_matches(form, self._by_fold, n=2)]
        found = list(dict.fromkeys(i for c in close for i in sorted(self._by_fold[c])))[:3]
        if found:
            labels = ", ".join(self._label.get(i, i) for i in found)
            return f"closest: {labels}" + (f"; or {self.hint}" if self.hint else "")
        return self.hint or "check the id"
