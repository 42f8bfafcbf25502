"""JSON: a list of event objects with stable keys, the schema other tools rely on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from timeline import dates
from timeline.formats import Context
from timeline.model import Event, Store
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
        "actors": list(e.actors),
        "roles": {aid: role for aid, role in e.offices},
        "tags": list(e.tags),
        "sources": list(e.source_ids),
        "citations": [
            {
                "id": c.id,
                "url": c.url,
                "published": c.published.text if c.published else None,
                "note": c.note,
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


def render(events: Sequence[Event], ctx: Context) -> str:
    """A JSON array, one object per event, in timeline order."""
    # json.dumps leaves DEL, C1 and bidi controls raw; escaping them keeps the same data.
    return json_escape(json.dumps([event_json(e, ctx.store) for e in events], ensure_ascii=False, indent=2)) + "\n"
