"""Answering a filtered `list` from the cache's index, without loading the whole store.

The cache (timeline.cache) keeps each event's parsed table with its date bounds and its place
in the timeline order, and postings of the events of each actor and tag. `view` narrows the
events with them to a superset of what a filter keeps, builds only those (and the events they
name or that answer them, which renderers mention), and hands them back with the store's
actors and sources and the whole store's ordering. `query.match`, `order.sort_events` and the
renderers then give the answer they give on a full load. `prepare` is the call for `list`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    from timeline.model import Store
    from timeline.query import Filter
    from timeline.query.order import Placement


@dataclass(frozen=True, slots=True)
class View:
    """A filter's candidate events, ready for `query.match` and `order.sort_events`.

    `store` has every actor and source but only the candidate events and the events they name
    or that answer them, in store order. `placement` is the whole store's ordering for those.
    `contradiction` is the store's first (line, message) from `order.contradictions`.
    """

    store: Store
    placement: Placement
    contradiction: tuple[int, str] | None


def prepare(path: Path, f: Filter, load: Callable[[], Store]) -> tuple[Store, Placement, list[tuple[int, str]]]:
    """What `list` needs: a store holding at least the events `f` may keep, the timeline order
    of the whole store for them, and the whole store's first contradiction as (line, message).

    Answers from the index when it can; otherwise calls `load` (which refreshes the cache
    entry) and asks again, and if there is still no index, works on the loaded store.
    """
    from timeline.query import order

    found = view(path, f)
    if found is None:
        loaded = load()
        found = view(path, f)
        if found is None:
            placement = order.place(loaded)
            first = [(e.line, message) for e, message in order.contradictions(loaded, placement)[:1]]
            return loaded, placement, first
    return found.store, found.placement, [found.contradiction] if found.contradiction else []


def view(path: Path, f: Filter, *, name: str | None = None) -> View | None:
    """The candidates for `f` from a fresh cache entry, or None when the index cannot answer.

    None means: load the store (which refreshes the entry). That happens when the cache is
    off, missing, stale or damaged, and when `f` has query terms, which may relate events
    to one another and so need the whole store.
    """
    if f.query:
        return None
    from timeline.cache import Entry, no_gc, read_head
    from timeline.text import printable

    db = Entry(path).connect()
    if db is None:
        return None
    try:
        with no_gc():
            return _view(db, name or printable(str(path)), f, read_head(db))
    except Exception:  # noqa: BLE001 - a damaged entry answers nothing; the caller loads the store
        return None
    finally:
        db.close()


def _view(db: sqlite3.Connection, name: str, f: Filter, meta) -> View | None:
    from timeline.cache import unpack
    from timeline.query.order import Placement
    from timeline.store.schema import build

    # The store without its events, as the full load built it when the entry was written.
    head, skeleton = meta["head"], meta["skeleton"]
    where, args = _narrowing(db, skeleton, f)
    rows = _rows(db, where, args)
    # Renderers name the events a shown event refers to, and list the events that answer it;
    # those come along (query.match still keeps only the events that pass the filter).
    have = {r[0] for r in rows}
    wanted = sorted({i for r in rows for i in unpack(r[6])} - have)
    if wanted:
        rows = sorted(rows + _rows(db, ["idx IN (SELECT value FROM json_each(?))"], [_json(wanted)]))
    raws = [r[-1] for r in rows]
    # An id-only table stands in for each event referred to but not loaded: it satisfies the
    # reference check and, having no date or title, is not built (its own errors are dropped).
    known = {r[1] for r in rows}
    missing = {ref for raw in raws for key in ("in_response_to", "after", "before") for ref in _strs(raw, key)}
    raws += [{"id": ref} for ref in sorted(missing - known)]
    # Likewise for the actors and sources these events name: the skeleton holds the real ones.
    stand_ins: dict[str, dict[str, dict]] = {
        "actors": dict.fromkeys(_named(raws, "actors", ("id",)), {}),
        "sources": dict.fromkeys(_named(raws, "sources", ("id",)) | _claimed_sources(raws), {}),
    }
    built, _ = build({**head, **stand_ins, "events": raws}, name, "")
    if [e.id for e in built.events] != [r[1] for r in rows]:
        return None
    # Built apart, each event is numbered from 0 and has no line; give back its own.
    events = tuple(replace(e, index=r[0], line=r[2]) for e, r in zip(built.events, rows, strict=True))
    store = replace(skeleton, path=name, events=events)
    placement = Placement(
        earliest={e.id: date.fromordinal(r[3]) for e, r in zip(events, rows, strict=True)},
        latest={e.id: date.fromordinal(r[4]) for e, r in zip(events, rows, strict=True)},
        depth={e.id: r[5] for e, r in zip(events, rows, strict=True)},
        cyclic=tuple(meta["cyclic"]),
    )
    return View(store=store, placement=placement, contradiction=meta["contradiction"])


def _rows(db: sqlite3.Connection, where: list[str], args: list[object]) -> list[tuple]:
    """(idx, id, line, placed earliest, placed latest, depth, related, parsed table) per event, by idx."""
    import pickle

    cursor = db.execute(
        "SELECT idx, id, line, placed_earliest, placed_latest, depth, related, raw FROM events"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY idx",
        args,
    )
    return [(*r[:7], pickle.loads(r[7])) for r in cursor]


def _strs(raw: object, key: str) -> list[str]:
    value = raw.get(key) if isinstance(raw, dict) else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _named(raws: list, key: str, inner: tuple[str, ...]) -> set[str]:
    """Ids listed under `key` in these event tables, as strings or as {id = ...} tables."""
    out: set[str] = set()
    for raw in raws:
        items = raw.get(key) if isinstance(raw, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, str):
                out.add(item)
            elif isinstance(item, dict):
                out.update(v for k in inner if isinstance(v := item.get(k), str))
    return out


def _claimed_sources(raws: list) -> set[str]:
    """Source ids cited by date claims (`dates = [{ date, sources = [...] }]`)."""
    out: set[str] = set()
    for raw in raws:
        claims = raw.get("dates") if isinstance(raw, dict) else None
        for claim in claims if isinstance(claims, list) else ():
            if isinstance(claim, dict):
                out.update(_strs(claim, "sources"))
    return out


def _json(values) -> str:
    import json

    return json.dumps(sorted(values))


def _narrowing(db: sqlite3.Connection, store: Store, f: Filter) -> tuple[list[str], list[object]]:
    """SQL conditions that keep every event `f` may keep (query.match decides exactly)."""
    from timeline.query.offices import actor_ids, parse_office
    from timeline.text import fold

    where: list[str] = []
    args: list[object] = []
    if f.actors:
        ids: set[str] = set()
        offices = False
        for wanted in f.actors:
            ids |= actor_ids(store, wanted)
            # An office matches whoever held it on the event's date: no posting says that.
            offices = offices or parse_office(store, wanted) is not None
        if not offices:
            where.append("idx IN (SELECT value FROM json_each(?))")
            args.append(_json(_posted(db, "actor", ids)))
    if f.tags:
        where.append("idx IN (SELECT value FROM json_each(?))")
        args.append(_json(_posted(db, "tag", {fold(t) for t in f.tags})))
    # A date that may fall in the window overlaps it; sets of dates lie within their own bounds.
    if f.since is not None:
        where.append("latest >= ?")
        args.append(f.since.toordinal())
    if f.until is not None:
        where.append("earliest <= ?")
        args.append(f.until.toordinal())
    return where, args


def _posted(db: sqlite3.Connection, kind: str, names: set[str]) -> set[int]:
    """The idx of events posted under any of `names`."""
    from timeline.cache import unpack

    found: set[int] = set()
    for name in names:
        row = db.execute("SELECT idx FROM postings WHERE kind = ? AND name = ?", (kind, name)).fetchone()
        if row is not None:
            found.update(unpack(row[0]))
    return found
