"""iCalendar (RFC 5545) through the `icalendar` library: one all-day VEVENT per event.

How a date becomes calendar days:

- a known day is a one-day all-day event (DTSTART;VALUE=DATE, DTEND the next day, exclusive);
- a span of days covers those days;
- anything coarser or hedged (a month, a year, "Feb 2024 (day unknown)", "9 Feb 2024?",
  "c. 2024", a disputed date with no preferred claim) covers every day it could be, from its
  earliest to its latest possible day, and its SUMMARY starts with the honest wording in
  brackets, e.g. "[Feb 2024] Japarov tells…", so a month-long bar is never mistaken for a
  month-long event;
- a span with an open or unknown end covers only the end that is known, with the wording
  ("[from Jun 2024] …") saying the rest;
- a time of day is kept in the bracketed wording; the event stays all-day.

UIDs are the event id plus a fixed domain, so re-importing updates events instead of
duplicating them. The same store and query always give the same bytes: DTSTAMP is
$SOURCE_DATE_EPOCH when set, else midnight UTC of the latest day the calendar's events and
their citations name (never the clock).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from timeline import dates
from timeline.formats import Context
from timeline.formats.text import (
    actor_labels,
    citation_extra,
    citation_url,
    clean,
    date_line,
    exact,
    headline,
    source_name,
    web_url,
)
from timeline.model import Event, Store

UID_DOMAIN = "timeline.invalid"


def days(d: dates.EDate) -> tuple[date, date]:
    """(first day, last day) the calendar shows for a date; open ends fall back to the known end."""
    if d.is_interval and (d.start is None or d.end is None):
        known = d.start or d.end
        assert known is not None  # parse() refuses an interval with no known end
        return known.earliest, known.latest
    return d.earliest, d.latest


def summary(e: Event) -> str:
    """The title, prefixed by the honest date wherever the calendar's days alone would overstate it."""
    title = headline(e)
    if exact(e.date):
        return title
    return f"[{clean(dates.display(e.date))}] {title}"


def description(e: Event, store: Store) -> str:
    """Plain text: date wording, summary, actors, numbered sources with addresses, id."""
    parts = [f"Date: {date_line(e, store)}"]
    if e.summary:
        parts += ["", clean(e.summary)]
    actors = actor_labels(e, store)
    if actors:
        parts += ["", "Actors: " + ", ".join(actors)]
    if e.sources:
        parts += ["", "Sources:"]
        for n, c in enumerate(e.sources, start=1):
            url = web_url(citation_url(c, store))
            parts.append(f"{n}. {source_name(store, c.id)}{citation_extra(c, store)}" + (f" <{url}>" if url else ""))
    parts += ["", f"id: {e.id}"]
    return "\n".join(parts)


def stamp(events: Sequence[Event]) -> datetime:
    """DTSTAMP: $SOURCE_DATE_EPOCH when set, else the latest day the events and their citations name."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    # The information was last revised no earlier than the newest fact or article it holds.
    named = [max(days(e.date)) for e in events]
    named += [c.published.latest for e in events for c in e.sources if c.published and c.published.latest < date.max]
    latest = max(named, default=date(1970, 1, 1))
    return datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)


def _vevent(e: Event, store: Store, stamp: datetime) -> Any:
    from icalendar import Event as VEvent

    first, last = days(e.date)
    ev = VEvent()
    ev.add("uid", f"{e.id}@{UID_DOMAIN}")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", first)
    if last < date.max:
        ev.add("dtend", last + timedelta(days=1))
    else:  # DTEND is exclusive and 9999-12-31 has no next day; RFC 5545 allows a DURATION instead
        ev.add("duration", timedelta(days=(last - first).days + 1))
    ev.add("summary", summary(e))
    ev.add("description", description(e, store))
    # A record of the past: never shown as busy time.
    ev.add("transp", "TRANSPARENT")
    categories = list(dict.fromkeys(clean(x) for x in (e.type, *e.tags) if x))
    if categories:
        ev.add("categories", categories)
    urls = [u for u in (web_url(citation_url(c, store)) for c in e.sources) if u]
    if urls:
        ev.add("url", urls[0])
    return ev


def render(events: Sequence[Event], ctx: Context) -> str:
    """A VCALENDAR with one VEVENT per event, CRLF line ends and folded lines, as RFC 5545 asks."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//timeline//timeline list --format ics//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", clean(ctx.title or ctx.store.title or "Timeline"))
    when = stamp(events)
    for e in events:
        cal.add_component(_vevent(e, ctx.store, when))
    return cal.to_ical().decode("utf-8")
