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
PARALLEL_EVENTS = 5_000
Progress = Callable[[int, int], None]


class Rebuild(Exception):
    """The blocks cannot be read apart (a problem, or a cut that is not a real table): load in full."""


class Facts(NamedTuple):
    """What the index keeps of one event besides its table (a tuple: it crosses processes)."""

    eid: str
    data: str  # the event's block as written: its [[events]] table, read again with `table_of`
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
    grading: str  # the sources it rests on, each with its best credibility: "tass=1,24kg"


def plain(value: Any) -> str:
    """TOML's date and time values as their text, for JSON (the store reads both the same)."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def table_of(data: str) -> dict[str, Any]:
    """The [[events]] table of one cached block (as a full load would parse it)."""
    import tomli

    tables = tomli.loads(data)["events"]
    if len(tables) != 1:
        raise ValueError("a block holds one [[events]] table")
    return tables[0]


def facts(e: Event, text: str, block: Block) -> Facts:
    """The index's view of one event read from `text`, the block it was written in."""
    links = [(key, ref) for key in ("in_response_to", "after", "before") for ref in getattr(e, key)]
    credibility: dict[str, int] = {}
    for c in e.sources:
        if c.credibility is not None:
            credibility[c.id] = min(credibility.get(c.id, c.credibility), c.credibility)
    grading = ",".join(f"{s}={credibility[s]}" if s in credibility else s for s in e.cited)
    return Facts(
        e.id,
        text,
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
        grading,
    )


@dataclass(slots=True)
class Head:
    """The parsed head of a store: its non-event tables, and their blocks."""

    data: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)


def read_head(data: bytes, parts: Sequence[Block], name: str, *, book: bool = False) -> Head:
    """Parse the head blocks together; Rebuild when they do not parse or hold events, or include
    other files (unless `book`: the text is a store's files joined, `timeline.cache.book`)."""
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
    if not book and isinstance(parsed.get("store"), dict) and "include" in parsed["store"]:
        # The entry is keyed by one file's bytes; a store in several files is read in full.
        raise Rebuild("the store includes other files")
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
        out.append(facts(e, data[block.start : block.end].decode("utf-8").lstrip("\ufeff"), block))
    return out


@dataclass(slots=True)
class Chunk:
    """What a run of [[events]] gives the index, worked out where it was parsed (so in parallel).

    Events are numbered by position + 1, as a new entry numbers them.
    """

    first: int
    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (number, id, table as JSON)
    bounds: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    digests: list[bytes] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (owner, key, target)
    postings: dict[str, list[int]] = field(default_factory=dict)  # key -> event numbers
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)
    cites: list[int] = field(default_factory=list)  # how many sources each event rests on
    months: list[int] = field(default_factory=list)  # its month (index.month_number), or -1
    sole: list[str] = field(default_factory=list)  # the one source, or


def chunk_of(rows: Sequence[Facts], first: int) -> Chunk:
    """Gather the facts of consecutive events, the first at position `first`."""
    from timeline.cache.index import count, empty_summary, month_number, posting_keys, sole

    out = Chunk(first, summary=empty_summary())
    for i, f in enumerate(rows):
        n = first + i + 1
        out.rows.append((n, f.eid, f.data))
        out.bounds += (f.earliest, f.latest)
        out.lines.append(f.line)
        out.digests.append(f.digest)
        out.links += ((f.eid, key, ref) for key, ref in f.links)
        for key in posting_keys(f):
            out.postings.setdefault(key, []).append(n)
        count(out.summary, f, 1)
        out.cites.append(len(f.cited))
        out.sole.append(sole(f))
        out.months.append(month_number(f.earliest, f.latest))
    return out


# What forked workers read: set just before they fork, so the store's bytes are shared, not copied.
_SHARED: tuple = ()


def _die_with_parent(parent: int) -> None:
    """A worker forked to parse events ends when the command that started it is killed (it would
    otherwise wait for ever, holding the command's output open)."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG, Linux
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _worker(span: tuple[int, int]) -> Chunk | None:
    data, events, name, actor_ids, source_ids = _SHARED
    try:
        return chunk_of(read_events(data, events[span[0] : span[1]], name, actor_ids, source_ids, span[0]), span[0])
    except Rebuild:
        return None


def parse_all(
    data: bytes, parts: Sequence[Block], name: str, actor_ids: Any, source_ids: Any, progress: Progress | None
) -> list[Chunk]:
    """Every event's facts in chunks, in store order; on all cores when there are many events.

    The main process reads the first share itself while the others read the rest.
    """
    global _SHARED
    events = [b for b in parts if b.kind == blocks_mod.EVENT]
    cores = min(os.cpu_count() or 1, 8)
    if len(events) < PARALLEL_EVENTS or cores < 2 or not hasattr(os, "fork"):
        alone = chunk_of(read_events(data, events, name, actor_ids, source_ids), 0)
        if progress:
            progress(len(events), len(events))
        return [alone]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    share = -(-len(events) // cores)
    spans = [(at, min(at + share, len(events))) for at in range(0, len(events), share)]
    _SHARED = (data, events, name, actor_ids, source_ids)
    try:
        pool_of = ProcessPoolExecutor(
            len(spans) - 1, mp_context=get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
        )
        with pool_of as pool:
            others = [pool.submit(_worker, span) for span in spans[1:]]
            mine = _worker(spans[0])
            out = [mine] + [job.result() for job in others]
    finally:
        _SHARED = ()
    if any(c is None for c in out):
        raise Rebuild("an event has a problem")
    if progress:
        progress(len(events), len(events))
    return out  # type: ignore[return-value]


def write(file: Any, head: Head, chunks: list[Chunk], meta: dict[str, Any]) -> None:
    """Write a complete entry for a valid store to `file` (a fresh temp file); `meta` last."""
    from timeline.cache import index

    entry = Entry.create(file)
    try:
        with entry.transaction():
            count = sum(len(c.rows) for c in chunks)
            for c in chunks:
                entry.put_rows(c.rows)
            entry.set_meta("head", head.data)
            entry.set_meta("head_blocks", [[b.key, b.digest.hex()] for b in head.blocks])
            entry.set_blob("order", pack(range(1, count + 1)))
            entry.set_blob("digests", b"".join(d for c in chunks for d in c.digests))
            index.write_chunks(entry, chunks)
            for key, value in meta.items():
                entry.set_meta(key, value)
    finally:
        entry.close()
