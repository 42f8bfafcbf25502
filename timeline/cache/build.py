"""Building a cache entry from a store's bytes: parse by blocks, check, and write the index.

The head (the prelude, [store], [check], actors and sources) is parsed as one document; the
[[events]] blocks are parsed in chunks, on several cores when the store is large, each chunk
checked event by event exactly as a full load checks it. A store with any problem, or whose
blocks do not parse on their own, is not cached here: `Rebuild` sends the caller to the full
load, which reports every problem where it is.

What a row of the `events` table holds, and what `facts` returns for one event, is the whole
contract between this module, `timeline.cache.update` and `timeline.cache.engine`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, NamedTuple

from timeline.cache import blocks as blocks_mod
from timeline.cache.blocks import Block
from timeline.cache.entry import Entry, pack
from timeline.model import Event

# Stores below this many events are parsed in one process: forking costs more than it saves.
PARALLEL_EVENTS = 20_000
Progress = Callable[[int, int], None]


class Rebuild(Exception):
    """The blocks cannot be read apart (a problem, or a cut that is not a real table): load in full."""


class Facts(NamedTuple):
    """What the index keeps of one event besides its table (a tuple: it crosses processes)."""

    eid: str
    data: str  # the parsed table as JSON, TOML dates as their text
    earliest: int  # day numbers (date.toordinal) of the event's own date
    latest: int
    text: str  # the date as written, for messages
    links: list[tuple[str, str]]  # (key, target id) for in_response_to, after, before
    actors: list[str]
    tags: list[str]
    cited: list[str]
    kind: str | None
    digest: bytes
    line: int


def _plain(value: Any) -> str:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def facts(e: Event, raw: dict[str, Any], block: Block) -> Facts:
    """The index's view of one event built from `raw` at `block`."""
    links = [(key, ref) for key in ("in_response_to", "after", "before") for ref in getattr(e, key)]
    return Facts(
        e.id,
        json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=_plain),
        e.date.earliest.toordinal(),
        e.date.latest.toordinal(),
        e.date.text,
        links,
        list(dict.fromkeys(e.actors)),
        list(dict.fromkeys(e.tags)),
        list(e.cited),
        e.type,
        block.digest,
        block.line,
    )


@dataclass(slots=True)
class Head:
    """The parsed head of a store: its non-event tables, and their blocks."""

    data: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)


def read_head(data: bytes, parts: Sequence[Block], name: str) -> Head:
    """Parse the head blocks together; Rebuild when they do not parse or hold events."""
    import tomli

    from timeline.store import decode

    head = [b for b in parts if b.kind != blocks_mod.EVENT]
    text = decode(b"".join(data[b.start : b.end] for b in head), name) if head else ""
    try:
        parsed = tomli.loads(text.lstrip("\ufeff")) if text.strip() else {}
    except (tomli.TOMLDecodeError, ValueError, RecursionError, MemoryError):
        raise Rebuild("the head does not parse on its own") from None
    if "events" in parsed:
        raise Rebuild("events written as a table or array in the head")
    return Head(parsed, head)


def check_head(head: Head, name: str):
    """The store's actors, sources and settings from the head; Rebuild on any problem."""
    from dataclasses import replace

    from timeline.store.schema import build

    store, problems = build({**head.data, "events": []}, name, "")
    if problems:
        raise Rebuild("the head has problems")
    lines = {b.key: b.line for b in head.blocks if b.kind == blocks_mod.ENTRY}
    actors = {k: replace(a, line=lines.get(f"actors.{k}", a.line)) for k, a in store.actors.items()}
    sources = {k: replace(s, line=lines.get(f"sources.{k}", s.line)) for k, s in store.sources.items()}
    return replace(store, actors=actors, sources=sources)


def read_events(
    data: bytes, parts: Sequence[Block], name: str, actor_ids: Any, source_ids: Any, first: int = 0
) -> list[Facts]:
    """Parse and check a run of [[events]] blocks; Rebuild on any problem.

    `first` is the position of the first block's event in the store (for Event.index).
    """
    import tomli

    from timeline.store import decode
    from timeline.store.events import event
    from timeline.store.fields import Collector

    if not parts:
        return []
    chunk = decode(b"".join(data[b.start : b.end] for b in parts), name).lstrip("\ufeff")
    try:
        parsed = tomli.loads(chunk)
    except (tomli.TOMLDecodeError, ValueError, RecursionError, MemoryError):
        raise Rebuild("[[events]] blocks do not parse on their own") from None
    raws = parsed.get("events")
    if set(parsed) != {"events"} or not isinstance(raws, list) or len(raws) != len(parts):
        raise Rebuild("blocks are not one [[events]] table each")
    c = Collector("", name, actor_ids, source_ids)
    out = []
    for n, (raw, block) in enumerate(zip(raws, parts, strict=True)):
        e = event(c, first + n, raw, block.line)
        if c.problems or e is None:
            raise Rebuild("an event has a problem")
        out.append(facts(e, raw, block))
    return out


# What forked workers read: set just before the pool forks, so the store's bytes are shared,
# not copied into every job.
_SHARED: tuple = ()


def _worker(span: tuple[int, int]) -> list[Facts] | None:
    data, events, name, actor_ids, source_ids = _SHARED
    try:
        return read_events(data, events[span[0] : span[1]], name, actor_ids, source_ids, span[0])
    except Rebuild:
        return None


def parse_all(
    data: bytes, parts: Sequence[Block], name: str, actor_ids: Any, source_ids: Any, progress: Progress | None
) -> list[Facts]:
    """Every event's facts, in store order, on all cores when there are many."""
    events = [b for b in parts if b.kind == blocks_mod.EVENT]
    cores = min(os.cpu_count() or 1, 8)
    if len(events) < PARALLEL_EVENTS or cores < 2 or not hasattr(os, "fork"):
        out = read_events(data, events, name, actor_ids, source_ids)
        if progress:
            progress(len(out), len(events))
        return out
    import multiprocessing

    # Chunks of one size, more than the cores, so that progress moves and no core idles long.
    size = max(len(events) // (cores * 4), 2000)
    spans = [(at, min(at + size, len(events))) for at in range(0, len(events), size)]
    global _SHARED
    _SHARED = (data, events, name, actor_ids, source_ids)
    out: list[Facts] = []
    try:
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            for done in pool.imap(_worker, spans):
                if done is None:
                    raise Rebuild("an event has a problem")
                out.extend(done)
                if progress:
                    progress(len(out), len(events))
    finally:
        _SHARED = ()
    return out


def write(
    file: Any, stamp: dict[str, Any], head: Head, store: Any, parts: Sequence[Block], rows: list[Facts]
) -> None:
    """Write a complete entry for a valid store to `file` (a fresh temp file)."""
    from timeline.cache import index

    entry = Entry.create(file)
    try:
        with entry.transaction():
            entry.put_rows((n + 1, f.eid, f.data) for n, f in enumerate(rows))
            entry.set_meta("head", head.data)
            entry.set_meta("head_blocks", [[b.key, b.digest.hex()] for b in head.blocks])
            entry.set_blob("order", pack(range(1, len(rows) + 1)))
            entry.set_blob("digests", b"".join(f.digest for f in rows))
            index.write_all(entry, store, rows, list(range(1, len(rows) + 1)))
            entry.set_meta("file", stamp)
    finally:
        entry.close()
