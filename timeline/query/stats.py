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
    # (best Admiralty grade, events), best first, then "ungraded"; empty when no event is graded
    grades: tuple[tuple[str, int], ...] = ()


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


def by_grade(events: Sequence[Event], store: Store) -> tuple[tuple[str, int], ...]:
    """How many events have each best grade (see timeline.grades), best first, then 'ungraded'."""
    from timeline import grades

    best = [grades.best(e, store) for e in events]
    if not any(best):
        return ()
    counts = Counter(g.label for g in best if g)
    order = {g.label: g.rank for g in best if g}
    out = [(label, counts[label]) for label in sorted(counts, key=lambda x: (order[x], x))]
    ungraded = sum(g is None for g in best)
    return tuple(out + ([("ungraded", ungraded)] if ungraded else []))


def compute(events: Sequence[Event], store: Store | None = None) -> Stats:
    """The counts for `events` (usually a query's result); grades need the `store` their sources are in."""
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
        grades=by_grade(events, store) if store is not None else (),
    )


def of_store(store: Store, f: Any) -> Stats:
    """The counts of the events `f` keeps, in store order; for the whole store of a cached one,
    from its index without building an event."""
    from timeline import query

    engine = getattr(store.events, "engine", None)
    if engine is not None and not query.clauses(f) and not f.strict:
        return _from_index(engine, store)
    found = sorted((m.event for m in query.ordered(store, f)), key=lambda e: e.index)
    return compute(found, store)


def _from_index(engine: Any, store: Store) -> Stats:
    s = engine.summary
    ids, cites, months, sole = engine.ids, engine.array("cites"), engine.array("months"), engine.names("sole")
    count = engine.count
    placed = sorted(s["months"])
    return Stats(
        events=count,
        months=tuple((m, s["months"].get(m, 0)) for m in (_month_range(placed[0], placed[-1]) if placed else [])),
        unplaced=tuple(ids[p] for p in range(count) if months[p] < 0),
        actors=tuple(_ranked(Counter(s["actors"]))),
        sources=tuple((x, n, s["alone"].get(x, 0)) for x, n in _ranked(Counter(s["sources"]))),
        tags=tuple(_ranked(Counter(s["tags"]))),
        single_source=tuple((ids[p], sole[p]) for p in range(count) if cites[p] == 1),
        unsourced=tuple(ids[p] for p in range(count) if cites[p] == 0),
        grades=_graded(s["gradings"], store),
    )


def _graded(gradings: dict[str, int], store: Store) -> tuple[tuple[str, int], ...]:
    """`by_grade` from the count of events per grading ("tass=1,24kg"), under today's reliabilities."""
    from timeline import grades

    counts: Counter[str] = Counter()
    rank: dict[str, tuple[int, int]] = {}
    ungraded = 0
    for key, n in gradings.items():
        found = []
        for part in filter(None, key.split(",")):
            sid, _, cred = part.partition("=")
            source = store.sources.get(sid)
            reliability = source.reliability if source else None
            if reliability is not None or cred:
                found.append(grades.grade(reliability, int(cred) if cred else None, sid))
        if not found:
            ungraded += n
            continue
        best = min(found)
        counts[best.label] += n
        rank[best.label] = best.rank
    if not counts:
        return ()
    out = [(label, counts[label]) for label in sorted(counts, key=lambda x: (rank[x], x))]
    return tuple(out + ([("ungraded", ungraded)] if ungraded else []))


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
        "grades": [{"grade": g, "events": n} for g, n in stats.grades],
    }
