"""What an office query means: who held an office on an event's date (people are found in names).

An office matches an event when one of the event's actors held it on that date. Dates are
ranges, so the answer has three values: certainly (the event lies inside the tenure), possibly
(the event's bounds overlap the tenure) or not. A role with no `end` is still held; a role with
no `start` has an unknown start, so before its end it is only ever "possibly" held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from timeline import dates
from timeline.model import Actor, Event, Role, Store
from timeline.query.resolve import actor_ids as actor_ids  # its home is resolve; kept here for the cache
from timeline.text import did_you_mean, fold, short

NO, MAYBE, YES = 0, 1, 2

# Countries by ISO code: the name a message uses, then other words people write for it before
# an office ("US ambassador", "Kyrgyz foreign minister") or after '@'. A qualifier may also be a
# role's `org` or an actor's `country` as written.
COUNTRIES = {
    "US": ("united states", "us", "u.s.", "usa", "american"),
    "KG": ("kyrgyzstan", "kyrgyz", "kyrgyz republic"),
    "RU": ("russia", "russian"),
    "KZ": ("kazakhstan", "kazakh"),
    "UZ": ("uzbekistan", "uzbek"),
    "TJ": ("tajikistan", "tajik"),
    "CN": ("china", "chinese"),
    "DE": ("germany", "german"),
    "GB": ("united kingdom", "uk", "british"),
    "FR": ("france", "french"),
    "TR": ("turkey", "turkish"),
}
DEMONYMS = {word: code for code, words in COUNTRIES.items() for word in words}


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
    """Does `qualifier` name the office's org, the holder's country, or the place the office names?

    'ambassador@united states' (the org) and 'ambassador@kyrgyzstan' (the posting, from a title
    like 'Ambassador of the United States to the Kyrgyz Republic') both find the US ambassador.
    """
    q = fold(qualifier)
    places = {fold(role.org or ""), fold(actor.country or "")} - {""}
    if q in places:
        return True
    code = DEMONYMS.get(q)
    return code is not None and code in {DEMONYMS.get(p, p.upper()) for p in places} | _named_countries(role)


def _named_countries(role: Role) -> set[str]:
    """The countries an office's title or aliases name in words ('to the Kyrgyz Republic' -> KG)."""
    found = set()
    for name in (role.title, *role.aliases):
        words = f" {' '.join(re.findall(r'[a-z.]+', fold(name)))} "
        found |= {code for word, code in DEMONYMS.items() if f" {word} " in words}
    return found


def qualifiers(store: Store, words: str) -> list[str]:
    """The places that qualify an office called `words`: its holders' orgs and countries and the
    countries its titles name, folded, each country once under its name ('united states', not 'us')."""
    out: dict[str, None] = {}
    for actor in store.actors.values():
        for role in actor.roles:
            if words in _role_names(role):
                places = [fold(x) for x in (role.org, actor.country) if x] + list(_named_countries(role))
                for place in places:
                    code = DEMONYMS.get(place, place.upper())
                    out[COUNTRIES[code][0] if code in COUNTRIES else place] = None
    return list(out)


def office_miss(store: Store, text: str) -> str | None:
    """For 'WORDS@PLACE' that finds no holder, which part matched nothing and what would; else None."""
    if "@" not in text:
        return None
    words, _, qualifier = (fold(x) for x in text.partition("@"))
    if not words or not qualifier:
        return "write an office and a place around '@', e.g. 'ambassador@united states'"
    places = qualifiers(store, words)
    if not places:
        known = sorted({n for a in store.actors.values() for r in a.roles for n in _role_names(r)})
        return f"no office called '{short(words)}'; " + (did_you_mean(words, known) or "see 'timeline actors'")
    return f"no '{short(words)}' of or in '{short(qualifier)}'; try " + " or ".join(
        f"'{short(words)}@{short(fold(p))}'" for p in places[:4]
    )


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
