"""Wording shared by every format: dates with their disputes, names, addresses, and safe text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from timeline import dates
from timeline.model import Citation, DateClaim, Event, Store
from timeline.text import CONTROL, MONTH_NAMES, clean

# An address we are willing to make clickable: http(s), no spaces, quotes or angle brackets.
_WEB = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """`url` if it is a plain http(s) address; None for javascript:, data:, mailto: and the like."""
    if url and _WEB.fullmatch(url) and not CONTROL.search(url):
        return url
    return None


def selection(count: int, filters: str, total: int | None = None) -> str:
    """'12 events.', '3 of 12 events.' (a --limit), '2 events. Filters: actor kulubaev.'; cleaned."""
    many = count if total is None else total
    text = f"{'' if total is None else f'{count} of '}{many} {'event' if many == 1 else 'events'}."
    return clean(f"{text} Filters: {filters}." if filters else text)


def when(e: Event) -> str:
    """The event's date as people read it."""
    return dates.display(e.date)


def exact(d: dates.EDate) -> bool:
    """Is the date one known day, or a span of known days, with nothing hedged?"""
    if d.members or d.time or d.uncertain or d.approximate:
        return False
    if d.is_interval:
        return d.start is not None and d.end is not None and exact(d.start) and exact(d.end)
    return d.precision == "day"


def also_reported(e: Event, store: Store) -> str:
    """For a disputed date: 'also reported 11 Feb 2024 (TASS)', else ''."""
    if not e.disputed:
        return ""
    parts = [_claim(cl, store) for cl in e.claims if cl.date is not e.date]
    return clean("also reported " + "; ".join(parts)) if parts else ""


def _claim(cl: DateClaim, store: Store) -> str:
    """'11 Feb 2024 (TASS)': a claimed date and who claims it."""
    who = ", ".join(source_name(store, s) for s in cl.sources)
    return f"{dates.display(cl.date)} ({who})" if who else dates.display(cl.date)


def source_name(store: Store, sid: str) -> str:
    source = store.sources.get(sid)
    return clean(source.name if source else sid)


def actor_name(store: Store, aid: str) -> str:
    actor = store.actors.get(aid)
    return clean(actor.name if actor else aid)


def actor_names(e: Event, store: Store) -> list[str]:
    return [actor_name(store, a) for a in e.actors]


def actor_labels(e: Event, store: Store) -> list[str]:
    """Actors with the office the event names for them: 'Jeenbek Kulubaev (foreign minister)'."""
    offices = dict(e.roles)
    return [f"{actor_name(store, a)} ({clean(offices[a])})" if a in offices else actor_name(store, a) for a in e.actors]


def citation_url(e_source: Citation, store: Store) -> str | None:
    """The article's own address if the event gives one, else the source's."""
    if e_source.url:
        return e_source.url
    source = store.sources.get(e_source.id)
    return source.url if source else None


def status_word(e: Event) -> str:
    """'Threatened', 'Planned', …: how a claim that is not a plain fact is marked; '' for one that happened."""
    return "" if e.status == "happened" else e.status.capitalize()


def headline(e: Event) -> str:
    """The title, cleaned, after the status a reader must not miss: 'Threatened: Kyrgyzstan expels …'."""
    word = status_word(e)
    return f"{word}: {clean(e.title)}" if word else clean(e.title)


def grade_label(c: Citation, store: Store) -> str:
    """The citation's Admiralty grade, 'B2', 'B?' or '?2'; '' when neither half is given."""
    source = store.sources.get(c.id)
    reliability = source.reliability if source else None
    if reliability is None and c.credibility is None:
        return ""
    return f"{reliability or '?'}{c.credibility or '?'}"


def said_date(c: Citation) -> dates.EDate | None:
    """The date a citation's own words ("last Friday") give, read against its publication day."""
    if c.said is None:
        return None
    from timeline import relative

    try:
        return relative.resolve(c.said, relative.anchor_day(c.published))
    except relative.PhraseError:
        return None  # a loaded store has none of these; a hand-built one may


def anchored(c: Citation, store: Store) -> str:
    """'Fri 9 Feb 2024, "last Friday" in RIA Novosti of 12 Feb 2024', or '' for a citation without `said`."""
    resolved = said_date(c)
    if resolved is None or c.published is None:
        return ""
    from timeline import relative

    words = f'{relative.wording(resolved)}, "{clean(c.said or "")}" in {source_name(store, c.id)}'
    return f"{words} of {dates.display(c.published)}"


def citation_extra(c: Citation, store: Store) -> str:
    """', published 12 Feb 2024, says "last Friday" (Fri 9 Feb 2024), graded B2 — note' for a
    citation, already cleaned; '' when it has none of these."""
    text = f", published {dates.display(c.published)}" if c.published else ""
    resolved = said_date(c)
    if resolved is not None:
        from timeline import relative

        text += f', says "{clean(c.said or "")}" ({relative.wording(resolved)})'
    grade = grade_label(c, store)
    if grade:
        text += f", graded {grade}"
    if c.note:
        text += f" — {clean(c.note)}"
    return text


def source_label(c: Citation, store: Store) -> str:
    """The source's name with its grade when it has one: 'TASS (F5)'."""
    grade = grade_label(c, store)
    return f"{source_name(store, c.id)} ({grade})" if grade else source_name(store, c.id)


def event_title(store: Store, eid: str) -> str:
    """'9 Feb 2024, Title' for a related event, or its bare id when the store lacks it."""
    other = store.by_id.get(eid)
    return f"{dates.display(other.date)}, {headline(other)}" if other else eid


def relations(e: Event, responses: Mapping[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    """(label, event ids) for each kind of link the event has, in reading order; empty kinds left out.

    `responses` is the store's answers by event (`Context.responses`), worked out once.
    """
    answers = responses.get(e.id, ())
    links = [("Responds to", e.in_response_to), ("After", e.after), ("Before", e.before), ("Responses", answers)]
    return [(label, ids) for label, ids in links if ids]


def group(e: Event) -> tuple[str, str]:
    """(year heading, month heading) for an event: where it began, as far as the store knows."""
    d = e.date
    if d.is_interval:
        if d.start is None:
            return "Start not known", ""
        d = d.start  # a span is filed under the month it began in; its date line shows the rest
    lo, hi = d.earliest, d.latest
    if lo.year != hi.year:
        return f"{lo.year}–{hi.year}", ""
    year = str(lo.year)
    if lo.month == hi.month:
        return year, f"{MONTH_NAMES[lo.month - 1]} {year}"
    return year, "Date disputed between months" if d.members else "Month not known"


def sections(events: Sequence[Event]) -> list[tuple[str, list[tuple[str, list[Event]]]]]:
    """Events under year and month headings, each heading once, in the order headings first occur.

    Events keep their order inside a heading; a coarse date that sorts between two days of one
    month is filed with its own heading instead of splitting that month in two.
    """
    years: dict[str, dict[str, list[Event]]] = {}
    for e in events:
        year, month = group(e)
        years.setdefault(year, {}).setdefault(month, []).append(e)
    return [(year, list(months.items())) for year, months in years.items()]


def date_line(e: Event, store: Store) -> str:
    """'9 Feb 2024 · also reported 11 Feb 2024 (TASS)', 'disputed: … or …', or just the date."""
    if e.undecided:
        return clean("disputed: " + " or ".join(_claim(cl, store) for cl in e.claims))
    extra = also_reported(e, store)
    return clean(f"{when(e)} · {extra}" if extra else when(e))
