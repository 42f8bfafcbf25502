"""TimelineJS3 JSON: a title slide and one slide per event, using only the format's documented fields.

TimelineJS treats `text.headline` and `text.text` as HTML, so store text is HTML-escaped
there and only http(s) addresses become links; autolinking is turned off so no other text
turns into a link. Dates give only the parts the store knows (a month-precision event has
no `day`), and `display_date` carries our own wording, disputes included.

A slide cannot say in words alone what the store knows (an uncertain month, a claim's
sources, tags), so `text.text` ends with a hidden `<data>` element whose value is the event
as `timeline list --format json` writes it, plus its sources' own addresses: `timeline import`
reads the slide back exactly, and TimelineJS shows nothing of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from timeline import dates
from timeline.formats import Context
from timeline.formats.html import citation_item, escape_text
from timeline.formats.text import actor_labels, date_line, headline, selection
from timeline.model import Event, Store
from timeline.text import json_escape


def date_parts(d: dates.EDate, side: str) -> dict[str, int]:
    """TimelineJS date object for one (non-interval) date: its earliest or latest day, at its precision."""
    bound = d.earliest if side == "earliest" else d.latest
    parts = {"year": bound.year}
    if d.precision in ("month", "day"):
        parts["month"] = bound.month
    if d.precision == "day":
        parts["day"] = bound.day
    return parts


def _ends(d: dates.EDate) -> tuple[dates.EDate | None, dates.EDate | None]:
    if d.is_interval:
        return d.start, d.end
    if d.members:
        return d.members[0], d.members[-1]
    return d, d


def slide_dates(d: dates.EDate) -> dict[str, Any]:
    """`start_date` and, when it differs, `end_date`; an open start begins at the known end."""
    first, last = _ends(d)
    if first is None:
        assert last is not None  # parse() refuses an interval with no known end
        return {"start_date": date_parts(last, "earliest")}
    out: dict[str, Any] = {"start_date": date_parts(first, "earliest")}
    if last is not None:
        end = date_parts(last, "latest")
        if end != out["start_date"]:
            out["end_date"] = end
    return out


# The hidden copy of the event; `timeline import` looks for exactly this.
DATA = '<data class="timeline-event" hidden value="{}"></data>'


def _text(e: Event, store: Store) -> str:
    from html import escape

    from timeline.formats.json import event_json

    html = [f"<p>{escape_text(e.summary)}</p>"] if e.summary else []
    actors = actor_labels(e, store)
    if actors:
        html.append(f"<p>Actors: {escape_text(', '.join(actors))}</p>")
    if e.sources:
        html.append(f"<p>Sources:</p><ol>{''.join(citation_item(c, store) for c in e.sources)}</ol>")
    event = event_json(e, store)
    # The slide links a source's own address when the citation has none; the copy keeps it for import.
    urls = {s: store.sources[s].url for s in e.cited if s in store.sources and store.sources[s].url}
    copy = json.dumps({**event, "source_urls": urls}, ensure_ascii=False, separators=(",", ":"))
    html.append(DATA.format(escape(copy, quote=True)))
    return "".join(html)


def slide(e: Event, store: Store) -> dict[str, Any]:
    """One event as a TimelineJS slide."""
    out = slide_dates(e.date)
    out["display_date"] = escape_text(date_line(e, store))
    out["text"] = {"headline": escape_text(headline(e)), "text": _text(e, store)}
    if e.type:
        out["group"] = escape_text(e.type)
    out["unique_id"] = e.id
    out["autolink"] = False
    return out


def render(events: Sequence[Event], ctx: Context) -> str:
    """The TimelineJS3 document as indented JSON."""
    store = ctx.store
    intro = []
    if store.description and ctx.title in (None, store.title):
        intro.append(f"<p>{escape_text(' '.join(store.description.split()))}</p>")
    intro.append(f"<p>{escape_text(selection(len(events), ctx.filters, ctx.total))}</p>")
    doc = {
        "title": {"text": {"headline": escape_text(ctx.title or store.title or "Timeline"), "text": "".join(intro)}},
        "events": [slide(e, store) for e in events],
        "scale": "human",
    }
    return json_escape(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"
