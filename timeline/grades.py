"""Admiralty grades: how reliable a source is (A-F) and how credible what it says is (1-6).

A source's `reliability` and a citation's `credibility` make the grade of one citation, written
as intelligence analysts do: "B2". Either half may be missing ("B?", "?2"); F and 6 mean "cannot
be judged" and rank below E and 5, since they vouch for nothing. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from timeline.model import CREDIBILITY, RELIABILITY, Event, Store

_WANTED = re.compile(r"([A-Fa-f])?([1-6])?")
HINT = "write a reliability letter A-F and/or a credibility digit 1-6, like B2, B or 2"


@dataclass(frozen=True, slots=True, order=True)
class Grade:
    """One citation's grade; a missing half is None. Orders best first (A before B, 1 before 2)."""

    rank: tuple[int, int]
    reliability: str | None
    credibility: int | None
    source: str = ""

    @property
    def label(self) -> str:
        """'B2', 'B?' or '?2'."""
        return f"{self.reliability or '?'}{self.credibility or '?'}"


def grade(reliability: str | None, credibility: int | None, source: str = "") -> Grade:
    """A Grade from its halves (missing halves rank last)."""
    r = RELIABILITY.index(reliability) if reliability in RELIABILITY else len(RELIABILITY)
    c = CREDIBILITY.index(credibility) if credibility in CREDIBILITY else len(CREDIBILITY)
    return Grade((r, c), reliability, credibility, source)


def parse(text: str) -> Grade:
    """Read 'B2', 'b2', 'B' or '2' as the least grade wanted; ValueError says how to write one."""
    m = _WANTED.fullmatch(text.strip())
    if not text.strip() or m is None:
        raise ValueError(f"'{text}' is not a grade; {HINT}")
    letter, digit = m.groups()
    return grade(letter.upper() if letter else None, int(digit) if digit else None)


def of_event(e: Event, store: Store) -> list[Grade]:
    """The grade of each source the event rests on, best first; ungraded sources left out."""
    credibility: dict[str, int] = {}
    for c in e.sources:
        if c.credibility is not None:
            # A source cited twice is as credible as its best citation.
            credibility[c.id] = min(credibility.get(c.id, c.credibility), c.credibility)
    out = []
    for sid in e.cited:
        source = store.sources.get(sid)
        reliability = source.reliability if source else None
        if reliability is not None or sid in credibility:
            out.append(grade(reliability, credibility.get(sid), sid))
    return sorted(out)


def best(e: Event, store: Store) -> Grade | None:
    """The event's best grade (reliability first, then credibility), or None when none is graded."""
    found = of_event(e, store)
    return found[0] if found else None


def meets(g: Grade, wanted: Grade) -> bool:
    """Is `g` at least as good as `wanted` on each half `wanted` names? A missing half never meets."""
    if wanted.reliability is not None and (g.reliability is None or g.rank[0] > wanted.rank[0]):
        return False
    return not (wanted.credibility is not None and (g.credibility is None or g.rank[1] > wanted.rank[1]))


def describe(wanted: Grade) -> str:
    """'B2 or better', in words for a report's filter line."""
    return f"{wanted.label.replace('?', '')} or better"
