"""The store as relational tables: one row per event, actor, office, source, citation, claim and link.

Pure: dicts of plain values (str, bool, int, date, None, lists of str), columns in a fixed order,
for writers such as `formats.parquet`. Dates carry their precision the way JSON does: the date
as written, and the first and last day it may fall on (None for an open or unknown end).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from timeline import dates
from timeline.model import Store

Row = dict[str, Any]
# table -> (column, type) in order; the types are the writer's: str, bool, int, date, list (of str).
SCHEMA: dict[str, tuple[tuple[str, str], ...]] = {
    "events": (
        ("id", "str"), ("date", "str"), ("earliest", "date"), ("latest", "date"), ("precision", "str"),
        ("uncertain", "bool"), ("approximate", "bool"), ("disputed", "bool"), ("title", "str"), ("summary", "str"),
        ("type", "str"), ("position", "int"), ("year", "int"),
    ),
    "actors": (("id", "str"), ("name", "str"), ("aliases", "list"), ("country", "str"), ("sectors", "list")),
    "offices": (
        ("actor_id", "str"), ("title", "str"), ("aliases", "list"), ("org", "str"), ("start", "str"),
        ("start_earliest", "date"), ("start_latest", "date"), ("end", "str"), ("end_earliest", "date"),
        ("end_latest", "date"),
    ),
    "sources": (("id", "str"), ("name", "str"), ("kind", "str"), ("url", "str")),
    "event_actors": (("event_id", "str"), ("actor_id", "str"), ("position", "int"), ("role", "str")),
    "event_tags": (("event_id", "str"), ("tag", "str")),
    "citations": (
        ("event_id", "str"), ("source_id", "str"), ("position", "int"), ("url", "str"), ("published", "str"),
        ("published_earliest", "date"), ("published_latest", "date"), ("note", "str"),
    ),
    "date_claims": (
        ("event_id", "str"), ("position", "int"), ("date", "str"), ("earliest", "date"), ("latest", "date"),
        ("precision", "str"), ("sources", "list"), ("preferred", "bool"), ("note", "str"),
    ),
    "relations": (("event_id", "str"), ("kind", "str"), ("other_id", "str")),
}  # fmt: skip


def _lo(d: dates.EDate | None) -> date | None:
    return None if d is None or d.earliest == date.min else d.earliest


def _hi(d: dates.EDate | None) -> date | None:
    return None if d is None or d.latest == date.max else d.latest


def year(d: dates.EDate) -> int:
    """The year an event is filed under: that of its earliest day, or of its latest for an open start."""
    bound = _lo(d) or _hi(d)
    return bound.year if bound else 0


def rows(store: Store) -> dict[str, list[Row]]:
    """Every table of the store, events in timeline order."""
    return {name: list(make(store)) for name, make in _MAKERS.items()}


def _events(store: Store) -> Iterator[Row]:
    from timeline.query.order import sort_events

    for n, e in enumerate(sort_events(store, list(store.events))):
        d = e.date
        yield {
            "id": e.id, "date": d.text, "earliest": _lo(d), "latest": _hi(d), "precision": d.precision,
            "uncertain": d.uncertain, "approximate": d.approximate, "disputed": e.disputed, "title": e.title,
            "summary": e.summary, "type": e.type, "position": n, "year": year(d),
        }  # fmt: skip


def _actors(store: Store) -> Iterator[Row]:
    for a in store.actors.values():
        yield {"id": a.id, "name": a.name, "aliases": list(a.aliases), "country": a.country, "sectors": list(a.sectors)}


def _offices(store: Store) -> Iterator[Row]:
    for a in store.actors.values():
        for r in a.roles:
            yield {
                "actor_id": a.id, "title": r.title, "aliases": list(r.aliases), "org": r.org,
                "start": r.start.text if r.start else None, "start_earliest": _lo(r.start),
                "start_latest": _hi(r.start), "end": r.end.text if r.end else None, "end_earliest": _lo(r.end),
                "end_latest": _hi(r.end),
            }  # fmt: skip


def _sources(store: Store) -> Iterator[Row]:
    for s in store.sources.values():
        yield {"id": s.id, "name": s.name, "kind": s.kind, "url": s.url}


def _event_actors(store: Store) -> Iterator[Row]:
    for e in store.events:
        roles = dict(e.roles)
        for n, a in enumerate(e.actors):
            yield {"event_id": e.id, "actor_id": a, "position": n, "role": roles.get(a)}


def _event_tags(store: Store) -> Iterator[Row]:
    for e in store.events:
        for t in e.tags:
            yield {"event_id": e.id, "tag": t}


def _citations(store: Store) -> Iterator[Row]:
    for e in store.events:
        for n, c in enumerate(e.sources):
            yield {
                "event_id": e.id, "source_id": c.id, "position": n, "url": c.url,
                "published": c.published.text if c.published else None, "published_earliest": _lo(c.published),
                "published_latest": _hi(c.published), "note": c.note,
            }  # fmt: skip


def _date_claims(store: Store) -> Iterator[Row]:
    for e in store.events:
        for n, cl in enumerate(e.claims):
            yield {
                "event_id": e.id, "position": n, "date": cl.date.text, "earliest": _lo(cl.date),
                "latest": _hi(cl.date), "precision": cl.date.precision, "sources": list(cl.sources),
                "preferred": cl.preferred, "note": cl.note,
            }  # fmt: skip


def _relations(store: Store) -> Iterator[Row]:
    for e in store.events:
        for kind in ("in_response_to", "after", "before"):
            for other in getattr(e, kind):
                yield {"event_id": e.id, "kind": kind, "other_id": other}


_MAKERS = {
    "events": _events, "actors": _actors, "offices": _offices, "sources": _sources, "event_actors": _event_actors,
    "event_tags": _event_tags, "citations": _citations, "date_claims": _date_claims, "relations": _relations,
}  # fmt: skip
