"""What an entry derives from its events: positions, placement, the timeline order, postings and counts.

Events have a number (`n`, the row's key) that stays the same while the store is edited, and a
position (their place among the [[events]] tables) that may change; arrays are by position:

    order      event number at each position
    ids        (a JSON list) event id at each position
    lines      the line of each event's [[events]] header
    bounds     earliest, latest day number of each event's own date
    placed     earliest, latest and depth after the links tightened them (timeline.query.order)
    timeline   positions in timeline order

Postings (`a:ID` actors, `t:TAG` folded tags, `s:ID` sources an event rests on, `y:TYPE` folded
types, and `w:WORD` once a text search has asked for them) hold event numbers. `summary` counts
what `actors`, `sources`, `tags` and `stats` show. All of it is recomputed from `Facts` by
`derive`, and kept current by `timeline.cache.update` without reading unchanged events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from timeline.cache.build import Chunk, Facts
from timeline.cache.entry import Entry, pack
from timeline.query.order import Relation, broken_links, cycle_message, link_message, place_bounds
from timeline.text import fold

Summary = dict[str, dict[str, Any]]


def relations_of(rows: Iterable[Facts]) -> list[Relation]:
    """The ordering facts the events state, in store order (as `order.relations` gives them)."""
    out = []
    for f in rows:
        for key, ref in f.links:
            if key == "before":
                out.append(Relation(f.eid, ref, f.eid, key))
            else:
                out.append(Relation(ref, f.eid, f.eid, key))
    return out


def place(
    ids: Sequence[str],
    bounds: Sequence[int],
    rels: Sequence[Relation],
    lines: Sequence[int],
    dated: Callable[[str], str],
) -> tuple[list[int], list[int], tuple[str, ...], list[Any] | None]:
    """(placed, timeline, cyclic, first warning) for events by position.

    `bounds` holds earliest, latest per position; `dated(id)` gives an event's date as written,
    for the wording of a warning about a link the dates contradict.
    """
    where = {eid: p for p, eid in enumerate(ids)}
    linked = {r.earlier for r in rels} | {r.later for r in rels}
    earliest = {eid: bounds[2 * where[eid]] for eid in linked if eid in where}
    latest = {eid: bounds[2 * where[eid] + 1] for eid in linked if eid in where}
    own = {eid: (earliest[eid], latest[eid]) for eid in earliest}
    low, high, depth, cyclic = place_bounds(earliest, latest, rels)
    placed = [0] * (3 * len(ids))
    placed[0::3] = bounds[0::2]
    placed[1::3] = bounds[1::2]
    for eid, p in ((eid, where[eid]) for eid in low):
        placed[3 * p], placed[3 * p + 1], placed[3 * p + 2] = low[eid], high[eid], depth[eid]
    keys = list(zip(placed[0::3], placed[1::3], placed[2::3], range(len(ids)), strict=True))
    keys.sort()
    timeline = [k[3] for k in keys]
    first: list[Any] | None = None
    for r in broken_links(rels, own):
        first = [lines[where[r.owner]], link_message(r, {r.earlier: dated(r.earlier), r.later: dated(r.later)})]
        break
    if first is None and cyclic:
        top = min(cyclic, key=lambda eid: where[eid])
        first = [lines[where[top]], cycle_message(cyclic)]
    return placed, timeline, cyclic, first


def posting_keys(f: Facts) -> set[str]:
    """The postings an event belongs to (words aside)."""
    keys = {f"a:{a}" for a in f.actors} | {f"t:{fold(t)}" for t in f.tags} | {f"s:{s}" for s in f.cited}
    if f.kind is not None:
        keys.add(f"y:{fold(f.kind)}")
    return keys


def empty_summary() -> Summary:
    return {"actors": {}, "sources": {}, "alone": {}, "tags": {}, "types": {}, "months": {}, "gradings": {}}


def count(summary: Summary, f: Facts, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) one event's share of the counts."""

    def bump(table: dict[str, Any], key: str) -> None:
        table[key] = table.get(key, 0) + sign
        if not table[key]:
            del table[key]

    for a in f.actors:
        bump(summary["actors"], a)
    for t in f.tags:
        bump(summary["tags"], t)
    if f.kind:
        bump(summary["types"], f.kind)
    for s in f.cited:
        bump(summary["sources"], s)
    if len(f.cited) == 1:
        bump(summary["alone"], f.cited[0])
    month = month_of(f.earliest, f.latest)
    if month is not None:
        bump(summary["months"], month)
    bump(summary["gradings"], f.grading)


def sole(f: Facts) -> str:
    """The one source an event rests on, '' when it rests on none or several (one line of `sole`)."""
    return f.cited[0] if len(f.cited) == 1 else ""


def month_number(earliest: int, latest: int) -> int:
    """year * 12 + month - 1 of the one month both bounds fall in, else -1."""
    lo, hi = date.fromordinal(earliest), date.fromordinal(latest)
    return lo.year * 12 + lo.month - 1 if (lo.year, lo.month) == (hi.year, hi.month) else -1


def month_of(earliest: int, latest: int) -> str | None:
    """'2024-02' when both bounds fall in that month (as `query.stats.month_key`), else None."""
    lo, hi = date.fromordinal(earliest), date.fromordinal(latest)
    if (lo.year, lo.month) != (hi.year, hi.month):
        return None
    return f"{lo.year:04d}-{lo.month:02d}"


def write_chunks(entry: Entry, chunks: Sequence[Chunk]) -> None:
    """Write every derived part of a new entry from the chunks of its events (numbered by position)."""
    ids = [eid for c in chunks for _, eid, _ in c.rows]
    bounds = [b for c in chunks for b in c.bounds]
    lines = [line for c in chunks for line in c.lines]
    rels = [Relation(ref, owner, owner, key) if key != "before" else Relation(owner, ref, owner, key)
            for c in chunks for owner, key, ref in c.links]  # fmt: skip
    data = {eid: d for c in chunks for _, eid, d in c.rows} if rels else {}
    placed, timeline, cyclic, first = place(ids, bounds, rels, lines, lambda eid: date_text(data[eid]))
    entry.set_names("ids", ids)
    entry.set_blobs(
        [("lines", pack(lines)), ("bounds", pack(bounds)), ("placed", pack(placed)), ("timeline", pack(timeline))]
    )
    entry.set_doc("relations", [[r.earlier, r.later, r.owner, r.key] for r in rels])
    entry.set_names("sole", [s for c in chunks for s in c.sole])
    entry.set_blob("cites", pack(n for c in chunks for n in c.cites))
    entry.set_blob("months", pack(n for c in chunks for n in c.months))
    postings: dict[str, list[int]] = {}
    summary = empty_summary()
    for c in chunks:
        for key, ns in c.postings.items():
            postings.setdefault(key, []).extend(ns)
        merge(summary, c.summary)
    entry.set_blobs((f"p:{key}", pack(ns)) for key, ns in postings.items())
    entry.set_meta("postings", sorted(postings))
    entry.set_meta("summary", summary)
    entry.set_meta("count", len(ids))
    entry.set_meta("cyclic", list(cyclic))
    entry.set_meta("warning", first)


def merge(into: Summary, more: Summary) -> None:
    """Add the counts of `more` to `into`."""
    for table, values in more.items():
        target = into.setdefault(table, {})
        for key, n in values.items():
            target[key] = target.get(key, 0) + n


def date_text(data: str) -> str:
    """The date as written of an event from its cached table (a valid one)."""
    from timeline.cache.build import table_of
    from timeline.store.events import event
    from timeline.store.fields import Anything, Collector

    e = event(Collector("", "", Anything(), Anything()), 0, table_of(data), 0)
    return e.date.text if e is not None else "?"
