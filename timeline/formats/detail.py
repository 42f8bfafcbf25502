"""One event in full, for `timeline show`: every claim, actor, source and link."""

from __future__ import annotations

import textwrap

from timeline import dates
from timeline.formats.text import actor_name, anchored, citation_url, date_line, grade_label, headline, source_name
from timeline.model import Event, Store
from timeline.query.order import responses
from timeline.text import clean


def roles_on(store: Store, aid: str, e: Event) -> list[str]:
    """The offices an actor may have held on the event's date, worded with their spans."""
    from timeline.query.offices import NO, held, tenure

    actor = store.actors.get(aid)
    if actor is None:
        return []
    return [
        f"{clean(role.title)}{f', {clean(role.org)}' if role.org else ''} ({clean(tenure(role))})"
        for role in actor.roles
        if held(role, e) != NO
    ]


def render_event(e: Event, store: Store, *, width: int = 80) -> str:
    """The plain-text page for one event; web addresses are never broken across lines."""
    width = max(width, 30)
    head = [headline(e), f"id: {e.id}", f"date: {date_line(e, store)}"]
    if e.status != "happened":
        head.append(f"status: {e.status}")
    head += [f"anchored: {text}" for text in (anchored(c, store) for c in e.sources) if text]
    out = [line for text in head for line in _wrap(text, width, "", "  ")]
    out += _claims(e, store, width)
    if e.type:
        out += _wrap(f"type: {clean(e.type)}", width, "", "  ")
    if e.tags:
        out += _wrap("tags: " + ", ".join(clean(t) for t in e.tags), width, "", "  ")
    if e.summary:
        out += ["", *_wrap(clean(e.summary), width, "", "")]
    out += _actors(e, store, width) + _sources(e, store, width) + _links(e, store, width)
    return "\n".join(out) + "\n"


def _claims(e: Event, store: Store, width: int) -> list[str]:
    out = ["date claims:"] if e.claims else []
    for cl in e.claims:
        who = ", ".join(source_name(store, s) for s in cl.sources) or "no source given"
        mark = " (preferred)" if cl.preferred else ""
        note = f" — {clean(cl.note)}" if cl.note else ""
        out += _wrap(f"- {dates.display(cl.date)}{mark}: {who}{note}", width, "  ", "    ")
    return out


def _actors(e: Event, store: Store, width: int) -> list[str]:
    out = ["", "actors:"] if e.actors else []
    cited = dict(e.roles)
    for aid in e.actors:
        line = f"- {actor_name(store, aid)} ({clean(aid)})"
        if aid in cited:
            line += f", as {clean(cited[aid])}"
        roles = roles_on(store, aid, e)
        if roles:
            line += ": " + "; ".join(roles)
        out += _wrap(line, width, "  ", "    ")
    return out


def _sources(e: Event, store: Store, width: int) -> list[str]:
    out = ["", "sources:"] if e.sources else []
    for n, c in enumerate(e.sources, start=1):
        url = citation_url(c, store)
        line = f"{n}. {source_name(store, c.id)}" + (f" <{clean(url)}>" if url else "")
        if c.published:
            line += f", published {dates.display(c.published)}"
        if c.said:
            line += f', says "{clean(c.said)}"'
        grade = grade_label(c, store)
        if grade:
            line += f", graded {grade}"
        if c.note:
            line += f" — {clean(c.note)}"
        out += _wrap(line, width, "  ", "     ")
    return out


def _links(e: Event, store: Store, width: int) -> list[str]:
    out: list[str] = []
    for label, ids in (("responds to", e.in_response_to), ("after", e.after), ("before", e.before)):
        out += _linked(label, ids, store, width)
    return out + _linked("responses", responses(store).get(e.id, ()), store, width)


def _linked(label: str, ids: tuple[str, ...], store: Store, width: int) -> list[str]:
    out = ["", f"{label}:"] if ids else []
    for ref in ids:
        other = store.by_id.get(ref)
        text = f"- {clean(ref)}" + (f": {dates.display(other.date)}, {headline(other)}" if other else "")
        out += _wrap(text, width, "  ", "    ")
    return out


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    # A word longer than the line (an address, most often) overflows it rather than being cut:
    # a broken URL cannot be copied or clicked.
    lines = textwrap.wrap(
        text, width=width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False, break_long_words=False
    )
    return lines or [""]
