"""Keeping the cache warm across a write: the transaction that wrote the store updates its entry.

Under the store's lock, right after the new bytes replaced the old, the entry that described the
old bytes is brought to the new ones: new [[events]] at the end are read from the added text
alone and placed among their linked events without reading the rest; new actors or sources go
through `update` like a hand edit of the head. If anything is off the entry is left as it was,
and the next command, finding it stale, updates or rebuilds it: this only ever saves time.
"""

from __future__ import annotations

import contextlib
import os
from array import array
from bisect import insort
from pathlib import Path
from typing import Any

from timeline.cache import blocks as blocks_mod
from timeline.cache import files, index
from timeline.cache.build import Rebuild, read_events
from timeline.cache.entry import Damaged, Entry, pack
from timeline.query.order import Relation, place_bounds


def after_write(path: Path, before: Any, pieces: tuple[bytes, ...], written: Any, since: int) -> None:
    """Update the entry of the store at `path` from `before` (a Snapshot) to the bytes just written
    (`pieces`, joined; `since`: time.time_ns() before they were); never raises."""
    from timeline.cache.open import Seen, stamp
    from timeline.cache.update import update
    from timeline.store import shown

    with contextlib.suppress(Damaged, Rebuild, OSError, ValueError, KeyError):
        real = os.path.realpath(path)
        where = files.location(real)
        if files.unsafe(files.folder()) or files.unsafe_file(where) or not where.exists():
            return
        st = os.stat(path)
        name = shown(path)
        if not written.block.startswith("[[events]]") or len(pieces) != 2:
            update(where, real, Seen(b"".join(pieces), st, since), name, head_may_change=True)
            return
        entry = Entry.open(where, write=True)
        try:
            with entry.transaction():
                old = entry.meta("file")
                if old["real"] != real or not _described(old, before):
                    return  # the entry did not describe the bytes this write started from
                _append(entry, pieces[1], written.line, name)
                entry.set_meta("file", stamp(real, pieces, st, since))
        finally:
            entry.close()


def _described(old: dict[str, Any], before: Any) -> bool:
    """Whether an entry's stamp describes the bytes a write read (`before`, a Snapshot): by the
    full stat data when that is safely older than the stamp (as `open` decides freshness), else
    by the hash of the bytes (a same-size edit with its time put back keeps size and mtime)."""
    import hashlib

    trusted = before.st is not None and old["stat"] == files.stat_key(before.st)
    if trusted and not files.racy(before.st, int(old.get("verified", 0))):
        return True
    return hashlib.sha256(before.data).hexdigest() == old.get("digest")


def _append(entry: Entry, added: bytes, first_line: int, name: str) -> None:
    """Add the [[events]] of `added` (the text now at the end of the store, its first table at `first_line`)."""
    from timeline.cache.build import Head, check_head
    from timeline.cache.update import _admit

    cut = blocks_mod.split(added)
    tables = [b for b in cut if b.kind == blocks_mod.EVENT]
    if not tables or any(b.kind != blocks_mod.EVENT for b in cut[1:]):
        raise Rebuild("the added text is not [[events]] tables")
    parts = [b._replace(line=b.line - tables[0].line + first_line) for b in tables]
    store = check_head(Head(entry.meta("head"), []), name)
    new_facts = read_events(added, parts, name, store.actors, store.sources)
    order = entry.ints("order")
    ids: list[str] = entry.names("ids")
    known = set(ids)
    if any(f.eid in known for f in new_facts):
        raise Rebuild("a duplicate id")
    number = max(order, default=0) + 1
    numbers = {i: number + i for i in range(len(new_facts))}
    _admit(entry, new_facts, numbers)
    start = len(ids)
    order.extend(numbers[i] for i in range(len(new_facts)))
    ids += [f.eid for f in new_facts]
    lines = entry.ints("lines")
    lines.extend(f.line for f in new_facts)
    bounds = entry.ints("bounds")
    for f in new_facts:
        bounds.extend((f.earliest, f.latest))
    cites = entry.ints("cites")
    cites.extend(len(f.cited) for f in new_facts)
    months = entry.ints("months")
    months.extend(index.month_number(f.earliest, f.latest) for f in new_facts)
    sole = entry.names("sole")
    entry.set_names("sole", sole + [index.sole(f) for f in new_facts])
    rels = [Relation(*r) for r in entry.doc("relations")]
    fresh = index.relations_of(new_facts)
    placed = entry.ints("placed")
    placed.extend(x for f in new_facts for x in (f.earliest, f.latest, 0))
    timeline = entry.ints("timeline")
    moved = _place_around(ids, bounds, placed, rels + fresh, start) if fresh else set()

    def key(p: int) -> tuple[int, int, int, int]:
        return placed[3 * p], placed[3 * p + 1], placed[3 * p + 2], p

    if moved - set(range(start, len(ids))):
        timeline = array("i", sorted(range(len(ids)), key=key))
    else:
        for p in range(start, len(ids)):
            insort(timeline, p, key=key)
    entry.set_blobs(
        [
            ("order", order.tobytes()),
            ("cites", cites.tobytes()),
            ("months", months.tobytes()),
            ("lines", lines.tobytes()),
            ("bounds", bounds.tobytes()),
            ("placed", placed.tobytes()),
            ("timeline", timeline.tobytes()),
            ("digests", (entry.blob("digests") or b"") + b"".join(f.digest for f in new_facts)),
        ]
    )
    entry.set_names("ids", ids)
    entry.set_doc("relations", [[r.earlier, r.later, r.owner, r.key] for r in rels + fresh])
    entry.set_meta("count", len(ids))
    entry.drop_memos()


def _place_around(ids: list[str], bounds: Any, placed: Any, rels: list[Relation], start: int) -> set[int]:
    """Place again the events linked (through any chain) to the new ones; return the positions that moved.

    A new event's links can only tighten the events it reaches, so only its connected part of
    the link graph is worked out again, from the events' own bounds.
    """
    where = {eid: p for p, eid in enumerate(ids)}
    near: dict[str, list[str]] = {}
    for r in rels:
        near.setdefault(r.earlier, []).append(r.later)
        near.setdefault(r.later, []).append(r.earlier)
    part: set[str] = set()
    todo = [ids[p] for p in range(start, len(ids)) if ids[p] in near]
    while todo:
        eid = todo.pop()
        if eid not in part:
            part.add(eid)
            todo.extend(near.get(eid, ()))
    earliest = {eid: bounds[2 * where[eid]] for eid in part}
    latest = {eid: bounds[2 * where[eid] + 1] for eid in part}
    inside = [r for r in rels if r.earlier in part and r.later in part]
    low, high, depth, _ = place_bounds(earliest, latest, inside)
    moved = set()
    for eid in part:
        p = where[eid]
        now = (low[eid], high[eid], depth[eid])
        if tuple(placed[3 * p : 3 * p + 3]) != now:
            placed[3 * p : 3 * p + 3] = array("i", now)
            moved.add(p)
    return moved


__all__ = ["after_write", "pack"]
