"""Selecting events: a frozen Filter and pure functions over the store."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from timeline.model import Event, Store


@dataclass(frozen=True, slots=True)
class Filter:
    """What `list` keeps. Values of one field widen (any may match); fields narrow (all must hold)."""

    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    strict: bool = False  # keep only events certainly inside since/until, not those that may be


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def actor_ids(store: Store, wanted: str) -> set[str]:
    """Ids of actors whose id, name or alias equals `wanted`, ignoring case and accents."""
    key = fold(wanted)
    return {
        a.id
        for a in store.actors.values()
        if key == fold(a.id) or key == fold(a.name) or any(key == fold(x) for x in a.aliases)
    }


def select(store: Store, f: Filter, events: Iterable[Event] | None = None) -> list[Event]:
    """The events of `store` that pass `f`, in store order."""
    from timeline import dates

    pool = store.events if events is None else events
    actors: set[str] | None = None
    if f.actors:
        actors = set()
        for wanted in f.actors:
            actors |= actor_ids(store, wanted)
    tags = {fold(t) for t in f.tags}
    sources = {fold(s) for s in f.sources}
    types = {fold(t) for t in f.types}
    texts = [fold(t) for t in f.texts]
    window = f.since is not None or f.until is not None
    keep_date = dates.within if f.strict else dates.overlaps
    out: list[Event] = []
    for e in pool:
        if actors is not None and actors.isdisjoint(e.actors):
            continue
        if tags and tags.isdisjoint(fold(t) for t in e.tags):
            continue
        if sources and not _cites(store, e, sources):
            continue
        if types and (e.type is None or fold(e.type) not in types):
            continue
        if texts and not any(t in fold(e.title + "\n" + e.summary) for t in texts):
            continue
        if window and not keep_date(e.date, f.since, f.until):
            continue
        out.append(e)
    return out


def _cites(store: Store, e: Event, wanted: set[str]) -> bool:
    ids = [c.id for c in e.sources] + [s for cl in e.claims for s in cl.sources]
    for sid in ids:
        if fold(sid) in wanted:
            return True
        source = store.sources.get(sid)
        if source is not None and fold(source.name) in wanted:
            return True
    return False


def limit(events: Sequence[Event], n: int | None, *, reverse: bool = False) -> list[Event]:
    """Newest-first when `reverse`; at most `n` events (the first n of the order shown)."""
    out = list(reversed(events)) if reverse else list(events)
    return out if n is None else out[:n]


def describe(f: Filter) -> str:
    """The filter in words, for the head of a report."""
    parts = []
    for label, values in (("actor", f.actors), ("tag", f.tags), ("source", f.sources), ("type", f.types)):
        if values:
            parts.append(f"{label} " + " or ".join(values))
    if f.texts:
        parts.append("text " + " or ".join(f'"{t}"' for t in f.texts))
    if f.since:
        parts.append(f"since {f.since.isoformat()}")
    if f.until:
        parts.append(f"until {f.until.isoformat()}")
    if f.strict and (f.since or f.until):
        parts.append("strictly inside")
    return "; ".join(parts)
