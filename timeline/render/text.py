"""Wording shared by every format: dates with their disputes, names, and safe text."""

from __future__ import annotations

import re

from timeline import dates
from timeline.model import Event, Store

# C0 and C1 control characters, DEL, and Unicode bidi/format controls that can reorder or
# hide text in a terminal; newlines and tabs are handled by the callers that allow them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, newlines: bool = False) -> str:
    """Store text made inert for any output: control codes become U+FFFD, never reach a terminal."""
    text = _CONTROL.sub("\ufffd", text)
    if not newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def when(e: Event) -> str:
    """The event's date as people read it."""
    return dates.display(e.date)


def also_reported(e: Event, store: Store) -> str:
    """For a disputed date: 'also reported 11 Feb 2024 (TASS)', else ''."""
    if not e.disputed:
        return ""
    others = [cl for cl in e.claims if cl.date is not e.date]
    parts = []
    for cl in others:
        who = ", ".join(source_name(store, s) for s in cl.sources)
        parts.append(f"{dates.display(cl.date)} ({who})" if who else dates.display(cl.date))
    return "also reported " + "; ".join(parts) if parts else ""


def source_name(store: Store, sid: str) -> str:
    source = store.sources.get(sid)
    return clean(source.name if source else sid)


def actor_name(store: Store, aid: str) -> str:
    actor = store.actors.get(aid)
    return clean(actor.name if actor else aid)


def actor_names(e: Event, store: Store) -> list[str]:
    return [actor_name(store, a) for a in e.actors]


def source_names(e: Event, store: Store) -> list[str]:
    return [source_name(store, c.id) for c in e.sources]


def citation_url(e_source, store: Store) -> str | None:
    """The article's own address if the event gives one, else the source's."""
    if e_source.url:
        return e_source.url
    source = store.sources.get(e_source.id)
    return source.url if source else None


_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def group(e: Event) -> tuple[str, str]:
    """(year heading, month heading) for an event, from its own bounds."""
    lo, hi = e.date.earliest, e.date.latest
    if lo.year <= 1 or hi.year >= 9999:
        return "Open-ended dates", ""
    year = str(lo.year) if lo.year == hi.year else f"{lo.year}–{hi.year}"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return year, f"{_MONTHS[lo.month - 1]} {lo.year}"
    if lo.year != hi.year:
        return year, ""
    return year, "Across several months" if e.date.is_interval else "Month not known"


def date_line(e: Event, store: Store) -> str:
    """'9 Feb 2024 · also reported 11 Feb 2024 (TASS)', 'disputed: … or …', or just the date."""
    if e.disputed and not any(cl.preferred for cl in e.claims):
        parts = []
        for cl in e.claims:
            who = ", ".join(source_name(store, s) for s in cl.sources)
            parts.append(f"{dates.display(cl.date)} ({who})" if who else dates.display(cl.date))
        return clean("disputed: " + " or ".join(parts))
    extra = also_reported(e, store)
    return clean(f"{when(e)} · {extra}" if extra else when(e))
