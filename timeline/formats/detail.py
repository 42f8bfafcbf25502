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
    """The plain-text page for one event."""
    width = max(width, 30)
    out: list[str] = [headline(e), f"id: {e.id}", f"date: {date_line(e, store)}"]
    if e.status != "happened":
        out.append(f"status: {e.status}")
    out += [f"anchored: {text}" for text in map(lambda c: anchored(c, store), e.sources) if text]
    if e.claims:
        out.append("date claims:")
        for cl in e.claims:
            who = ", ".join(source_name(store, s) for s in cl.sources) or "no source given"
            mark = " (preferred)" if cl.preferred else ""
            note = f" — {clean(cl.note)}" if cl.note else ""
            out += _wrap(f"- {dates.display(cl.date)}{mark}: {who}{note}", width, "  ", "    ")
    if e.type:
        out.append(f"type: {clean(e.type)}")
    if e.tags:
        out.append("tags: " + ", ".join(clean(t) for t in e.tags))
    if e.summary:
        out += ["", *_wrap(clean(e.summary), width, "", "")]
    if e.actors:
        out += ["", "actors:"]
        cited = dict(e.roles)
        for aid in e.actors:
            roles = roles_on(store, aid, e)
            line = f"- {actor_name(store, aid)} ({clean(aid)})"
            if aid in cited:
                line += f", as {clean(cited[aid])}"
            if roles:
                line += ": " + "; ".join(roles)
            out += _wrap(line, width, "  ", "    ")
    if e.sources:
        out += ["", "sources:"]
        for n, c in enumerate(e.sources, start=1):
            line = f"{n}. {source_name(store, c.id)}"
            url = citation_url(c, store)
            if url:
                line += f" <{clean(url)}>"
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
    links = [("responds to", list(e.in_response_to)), ("after", list(e.after)), ("before", list(e.before))]
    links.append(("responses", list(responses(store).get(e.id, ()))))
    for label, ids in links:
        if ids:
            out += ["", f"{label}:"]
            for ref in ids:
                other = store.by_id.get(ref)
                text = f"- {clean(ref)}"
                if other:
                    text += f": {dates.display(other.date)}, {headline(other)}"
                out += _wrap(text, width, "  ", "    ")
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    lines = textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
    return lines or [""]
