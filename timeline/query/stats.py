"""Counts over a set of events: per month, per actor, source and tag, and facts resting on one source.

Pure: `compute` takes events and returns a frozen Stats; `to_json` gives its JSON form, and
`timeline.formats.stats` draws it as text.
An event is counted in a month only when all its possible days fall in that month; the rest
(a year, a span across months, a disputed date across months) are counted as unplaced, never
guessed into a month.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timeline.model import Event, Store


@dataclass(frozen=True, slots=True)
class Stats:
    events: int
    # ("2024-02", n) for every month from the first to the last placed event, empty ones included
    months: tuple[tuple[str, int], ...]
    unplaced: tuple[str, ...]  # ids of events whose date is not within one month
    actors: tuple[tuple[str, int], ...]  # (actor id, events), most first, then by id
    sources: tuple[tuple[str, int, int], ...]  # (source id, events citing it, events resting on it alone)
    tags: tuple[tuple[str, int], ...]
    single_source: tuple[tuple[str, str], ...]  # (event id, its one source id)
    unsourced: tuple[str, ...]


def month_key(e: Event) -> str | None:
    """'2024-02' when every possible day of the event falls in that month, else None."""
    lo, hi = e.date.earliest, e.date.latest
    if (lo.year, lo.month) != (hi.year, hi.month):
        return None
    return f"{lo.year:04d}-{lo.month:02d}"


def _month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    end = (int(last[:4]), int(last[5:]))
    out = []
    # Compared as numbers: as text, "10000-01" would sort before "9999-12" and never stop the loop.
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def compute(events: Sequence[Event]) -> Stats:
    """The counts for `events` (usually a query's result)."""
    per_month = Counter(k for k in map(month_key, events) if k)
    months = _month_range(min(per_month), max(per_month)) if per_month else []
    by_source = [e.cited for e in events]
    citing = Counter(s for ids in by_source for s in ids)
    alone = Counter(ids[0] for ids in by_source if len(ids) == 1)
    return Stats(
        events=len(events),
        months=tuple((m, per_month[m]) for m in months),
        unplaced=tuple(e.id for e in events if month_key(e) is None),
        actors=tuple(_ranked(Counter(a for e in events for a in dict.fromkeys(e.actors)))),
        sources=tuple((s, n, alone[s]) for s, n in _ranked(citing)),
        tags=tuple(_ranked(Counter(t for e in events for t in dict.fromkeys(e.tags)))),
        single_source=tuple((e.id, ids[0]) for e, ids in zip(events, by_source, strict=True) if len(ids) == 1),
        unsourced=tuple(e.id for e, ids in zip(events, by_source, strict=True) if not ids),
    )


def to_json(stats: Stats, store: Store) -> dict[str, Any]:
    """A JSON-ready dict with stable key order; names come from the store."""

    def name(table: Any, key: str) -> str:
        item = table.get(key)
        return item.name if item is not None else key

    return {
        "events": stats.events,
        "months": [{"month": m, "events": n} for m, n in stats.months],
        "unplaced": list(stats.unplaced),
        "actors": [{"id": a, "name": name(store.actors, a), "events": n} for a, n in stats.actors],
        "sources": [{"id": s, "name": name(store.sources, s), "events": n, "alone": k} for s, n, k in stats.sources],
        "tags": [{"tag": t, "events": n} for t, n in stats.tags],
        "single_source": [{"id": e, "source": s} for e, s in stats.single_source],
        "unsourced": list(stats.unsourced),
    }
