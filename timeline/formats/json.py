"""JSON: a list of event objects with stable keys, the schema other tools rely on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from timeline import dates
from timeline.formats import Context
from timeline.formats.text import said_date
from timeline.model import Citation, Event, Store
from timeline.text import json_escape


def event_json(e: Event, store: Store) -> dict[str, Any]:
    """One event as a JSON-ready dict; key order is part of the schema."""
    d = dates.to_json(e.date)
    return {
        "id": e.id,
        "date": d["date"],
        "earliest": d["earliest"],
        "latest": d["latest"],
        "precision": d["precision"],
        "uncertain": d["uncertain"],
        "approximate": d["approximate"],
        "display": dates.display(e.date),
        "title": e.title,
        "summary": e.summary,
        "type": e.type,
        "status": e.status,
        "actors": list(e.actors),
        "roles": {aid: role for aid, role in e.roles},
        "tags": list(e.tags),
        "sources": list(e.source_ids),
        "citations": [
            {
                "id": c.id,
                "url": c.url,
                "published": c.published.text if c.published else None,
                "note": c.note,
                "credibility": c.credibility,
                "reliability": _reliability(store, c.id),
                "said": c.said,
                "said_date": _said_date(c),
            }
            for c in e.sources
        ],
        "in_response_to": list(e.in_response_to),
        "after": list(e.after),
        "before": list(e.before),
        "claims": [
            {**dates.to_json(cl.date), "sources": list(cl.sources), "preferred": cl.preferred, "note": cl.note}
            for cl in e.claims
        ],
        "names": {
            "actors": {a: store.actors[a].name for a in e.actors if a in store.actors},
            "sources": {s: store.sources[s].name for s in e.cited if s in store.sources},
        },
    }


def _reliability(store: Store, sid: str) -> str | None:
    source = store.sources.get(sid)
    return source.reliability if source else None


def _said_date(c: Citation) -> str | None:
    """The date the citation's own words give (derived from `said` and `published`), as a store date."""
    resolved = said_date(c)
    return resolved.text if resolved else None


def actor_json(store: Store, aid: str) -> dict[str, Any]:
    """A person as a JSON-ready dict: names, offices with their spans, and their events in timeline order."""
    from timeline.query.tally import involving

    actor = store.actors[aid]
    events = involving(store, aid)
    return {
        "id": actor.id,
        "name": actor.name,
        "aliases": list(actor.aliases),
        "country": actor.country,
        "roles": [
            {
                "title": r.title,
                "aliases": list(r.aliases),
                "org": r.org,
                "start": r.start.text if r.start else None,
                "end": r.end.text if r.end else None,
            }
            for r in actor.roles
        ],
        "events": [event_json(e, store) for e in events],
    }


def match_json(e: Event, ctx: Context) -> dict[str, Any]:
    """How a listed event matched the query: "certain" or "possible", and why (as the text formats say it)."""
    from timeline.query import why

    m = ctx.matches.get(e.id) if ctx.matches is not None else None
    return {
        "match": "certain" if m is None or m.certain else "possible",
        "why": why(m) if m is not None and e.id in ctx.notes else None,
    }


def render(events: Sequence[Event], ctx: Context) -> str:
    """A JSON array, one object per event, in timeline order; from a query, each says how it matched.

    Written an object at a time, exactly as `json.dumps(items, indent=2)` writes the whole list,
    so that a large store's objects are never all in memory at once (strings hold no raw line
    breaks, so indenting each line of an object by two spaces nests it)."""
    parts = []
    for e in events:
        item = event_json(e, ctx.store)
        if ctx.matches is not None:
            item = {**item, **match_json(e, ctx)}
        parts.append("  " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    text = "[\n" + ",\n".join(parts) + "\n]" if parts else "[]"
    # json.dumps leaves DEL, C1 and bidi controls raw; escaping them keeps the same data.
    return json_escape(text) + "\n"
