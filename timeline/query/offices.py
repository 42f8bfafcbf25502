"""What an office query means: who held an office on an event's date (people are found in names).

An office matches an event when one of the event's actors held it on that date. Dates are
ranges, so the answer has three values: certainly (the event lies inside the tenure), possibly
(the event's bounds overlap the tenure) or not. A role with no `end` is still held; a role with
no `start` has an unknown start, so before its end it is only ever "possibly" held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from timeline import dates
from timeline.model import Actor, Event, Role, Store
from timeline.query.names import actor_ids as actor_ids  # its home is names; kept here for the cache's index
from timeline.text import fold

NO, MAYBE, YES = 0, 1, 2

# Words people put before an office ("US ambassador", "Kyrgyz foreign minister"), mapped to
# ISO country codes; a qualifier may also be a role's `org` or an actor's `country` as written.
DEMONYMS = {
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "american": "US",
    "united states": "US",
    "kyrgyz": "KG",
    "kyrgyzstan": "KG",
    "russian": "RU",
    "russia": "RU",
    "kazakh": "KZ",
    "kazakhstan": "KZ",
    "uzbek": "UZ",
    "uzbekistan": "UZ",
    "tajik": "TJ",
    "tajikistan": "TJ",
    "chinese": "CN",
    "china": "CN",
    "german": "DE",
    "germany": "DE",
    "british": "GB",
    "uk": "GB",
    "french": "FR",
    "france": "FR",
    "turkish": "TR",
    "turkey": "TR",
}


@dataclass(frozen=True, slots=True)
class Office:
    """An office as asked for: the role words, and optionally an org or country qualifier."""

    words: str
    qualifier: str | None = None

    def label(self) -> str:
        return f"{self.words}@{self.qualifier}" if self.qualifier else self.words


def _role_names(role: Role) -> set[str]:
    return {fold(role.title), *(fold(x) for x in role.aliases)}


def _qualifies(qualifier: str, actor: Actor, role: Role) -> bool:
    q = fold(qualifier)
    places = {fold(role.org or ""), fold(actor.country or "")}
    return q in places or fold(DEMONYMS.get(q, "\0")) in places or _org_country(role) == DEMONYMS.get(q)


def _org_country(role: Role) -> str | None:
    return DEMONYMS.get(fold(role.org or ""))


def holders(store: Store, office: Office) -> list[tuple[Actor, Role]]:
    """Every (actor, role) pair that is this office."""
    out = []
    for actor in store.actors.values():
        for role in actor.roles:
            if office.words in _role_names(role) and (
                office.qualifier is None or _qualifies(office.qualifier, actor, role)
            ):
                out.append((actor, role))
    return out


def parse_office(store: Store, text: str) -> Office | None:
    """Read 'foreign minister', 'foreign minister@kyrgyzstan' or 'Kyrgyz foreign minister'."""
    if "@" in text:
        words, _, qualifier = text.partition("@")
        office = Office(fold(words), fold(qualifier) or None)
        return office if holders(store, office) else None
    plain = Office(fold(text))
    if holders(store, plain):
        return plain
    parts = fold(text).split()
    # "US ambassador", "united states ambassador": try each split of qualifier + role words.
    for cut in range(1, len(parts)):
        office = Office(" ".join(parts[cut:]), " ".join(parts[:cut]))
        if holders(store, office):
            return office
    return None


def held(role: Role, e: Event) -> int:
    """YES if the event certainly falls in the role's tenure, MAYBE if it may, else NO."""
    lo = role.start.earliest if role.start else None
    hi = role.end.latest if role.end else None
    if not dates.overlaps(e.date, lo, hi):
        return NO
    if role.start is None:
        return MAYBE
    sure_lo = role.start.latest
    sure_hi = role.end.earliest if role.end else date.max
    return YES if sure_lo <= e.date.earliest and e.date.latest <= sure_hi else MAYBE


def tenure(role: Role) -> str:
    """'from 22 Apr 2022', '26 Jan 2021 – 20 Jan 2025', or 'dates unknown'."""
    if role.start and role.end:
        return f"{dates.display(role.start)} – {dates.display(role.end)}"
    if role.start:
        return f"from {dates.display(role.start)}"
    if role.end:
        return f"until {dates.display(role.end)}"
    return "dates unknown"


def office_match(store: Store, office: Office, e: Event) -> tuple[int, str]:
    """How surely an actor of `e` held `office` on its date, and the sentence that says why."""
    best, why = NO, ""
    actors = set(e.actors)
    for actor, role in holders(store, office):
        if actor.id not in actors:
            continue
        truth = held(role, e)
        if truth > best:
            org = f" ({role.org})" if role.org else ""
            hedge = "" if truth == YES else "possibly "
            best, why = truth, f"{actor.id} {hedge}held {role.title}{org} {tenure(role)}"
    return best, why
