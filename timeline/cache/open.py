"""Opening a store through its entry: use it when fresh, refresh it when only the stat data moved,
update it when some blocks changed, build it when there is none or it cannot be believed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from timeline.cache import files
from timeline.cache.entry import Damaged, Entry
from timeline.cache.files import Seen


def open_engine(path: Path, real: str, where: Path, *, progress: Any = None, seen: Seen | None = None) -> Any:
    """An Engine over a fresh entry for the store at `path`, or a fully loaded Store when the
    store cannot be cached (it has problems: then StoreError, as a full load raises).

    A store in several files is read as one joined text (`timeline.cache.book`)."""
    from timeline.cache import version
    from timeline.store import shown

    name = shown(path)
    wanted = version()
    entry = _existing(where)
    got: Seen | None = None
    parts: list[dict[str, Any]] | None = None
    try:
        if entry is not None:
            stamp = entry.metas(["version", "file", "parts"])
            if stamp.get("version") == wanted and (stamp.get("file") or {}).get("real") == real:
                if stamp.get("parts") is None:
                    if _fresh(path, entry, stamp["file"], seen) is not None:
                        return _engine(entry, name, path, real, where)
                else:
                    from timeline.cache import book

                    # Every run reads the files and compares the hash: nothing else is needed
                    # while they are as the entry was built from.
                    main = _read(path, seen)
                    gathered = book.gather(path, main)
                    layout = [[q.get("file"), q.get("size")] for q in stamp["parts"]]
                    if (
                        gathered is not None
                        and gathered.layout() == layout
                        and gathered.digest() == stamp["file"].get("digest")
                    ):
                        return _engine(entry, name, path, real, where)
                    together = gathered.join() if gathered is not None else None
                    got, parts = (main, None) if together is None else (together.seen, together.parts)
                from timeline.cache.update import update

                entry.close()
                entry = None
                if got is None:
                    got, parts = _current(path, seen)
                if update(where, real, got, name, parts=parts):
                    return _engine(Entry.open(where), name, path, real, where)
                return build(path, real, where, name, got, progress, parts)
    except Damaged:
        pass
    if entry is not None:
        entry.close()
    if got is None:
        got, parts = _current(path, seen)
    return build(path, real, where, name, got, progress, parts)


def digest_now(path: Path, several: bool) -> str | None:
    """The SHA-256 the store's entry would be stamped with now (its files joined when `several`);
    None when it cannot be read."""
    from timeline.cache import book
    from timeline.errors import TimelineError

    try:
        got = _read(path, None)
    except (OSError, TimelineError):
        return None  # unreadable now: not the same bytes, so nothing is kept
    if several:
        gathered = book.gather(path, got)
        return gathered.digest() if gathered is not None else None
    return hashlib.sha256(got.data).hexdigest()


def _current(path: Path, seen: Seen | None) -> tuple[Seen, list[dict[str, Any]] | None]:
    """The store's text as the entry describes it: the file's bytes, or a store's files joined
    (then also where each included file begins in the text)."""
    from timeline.cache import book

    got = _read(path, seen)
    together = book.joined(path, got)
    return (got, None) if together is None else (together.seen, together.parts)


def _existing(where: Path) -> Entry | None:
    if not where.exists():
        return None
    try:
        return Entry.open(where)
    except Damaged:
        return None


def _engine(entry: Entry, name: str, path: Path, real: str, where: Path) -> Any:
    from dataclasses import replace

    from timeline.cache.book import place
    from timeline.cache.build import Head, check_head
    from timeline.cache.engine import Engine

    try:
        head = check_head(Head(entry.meta("head"), []), name)
        lines = entry.meta("entry_lines")
        digest = entry.meta("file")["digest"]
        parts = entry.meta("parts", None)
    except Exception as e:  # noqa: BLE001 - the head was valid when written; anything else is damage
        raise Damaged(f"head: {e}") from None

    def where_in(key: str, thing: Any) -> Any:
        line = lines.get(key, thing.line)
        if not parts:
            return replace(thing, line=line)
        file, line = place(parts, line)
        return replace(thing, line=line, file=file)

    head = replace(
        head,
        actors={k: where_in(f"actors.{k}", a) for k, a in head.actors.items()},
        sources={k: where_in(f"sources.{k}", s) for k, s in head.sources.items()},
        files={p["file"]: p["index"] for p in parts or []},
    )
    return Engine(entry, name, head, lambda: _renew(path, real, where, name, digest), parts)


def _renew(path: Path, real: str, where: Path, name: str, digest: str) -> Entry:
    """A new entry for the same store bytes, after the open one turned out damaged."""
    from timeline.errors import TimelineError

    with contextlib.suppress(OSError):
        os.unlink(where)
    got, parts = _current(path, None)
    again = "changed while it was being read; run the command again"
    if hashlib.sha256(got.data).hexdigest() != digest:
        raise TimelineError(f"{name}: {again}")
    found = build(path, real, where, name, got, None, parts)
    if not hasattr(found, "entry"):
        raise TimelineError(f"{name}: {again}")
    return found.entry


def _read(path: Path, seen: Seen | None) -> Seen:
    """The store's bytes and the stat of the same open file (`seen` when the caller read them)."""
    from timeline.store import read_text

    if seen is not None:
        return seen
    since = time.time_ns()
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            got = fh.read()
    except OSError:
        read_text(path)  # raises the error a full load gives for this path
        raise
    return Seen(got, st, since)


def _fresh(path: Path, entry: Entry, stamp: dict[str, Any], seen: Seen | None) -> bool | None:
    """True if the entry describes the store as it is (refreshing its stamp when only stat data moved)."""
    st = seen.st if seen is not None else os.stat(path)
    if stamp.get("stat") == files.stat_key(st) and not files.racy(st, int(stamp.get("verified", 0))):
        return True
    got = _read(path, seen)
    if hashlib.sha256(got.data).hexdigest() != stamp.get("digest"):
        return None
    _restamp(entry.file, stamp, got)
    return True


def _restamp(where: Path, old: dict[str, Any], got: Seen) -> None:
    """Record that the store, as `st` describes it, still has the entry's bytes."""
    try:
        entry = Entry.open(where, write=True)
    except Damaged:
        return
    try:
        with entry.transaction():
            if entry.meta("file") == old:
                entry.set_meta("file", {**old, "stat": files.stat_key(got.st), "verified": got.since})
    except Damaged:
        pass
    finally:
        entry.close()


def stamp(real: str, data: bytes | tuple[bytes, ...], st: os.stat_result, since: int) -> dict[str, Any]:
    """What an entry records of the store bytes it describes (given whole or in pieces), known to
    be the file's since `since` (ns; a change after that has a later time, which `files.racy` sees)."""
    digest = hashlib.sha256()
    for piece in (data,) if isinstance(data, bytes) else data:
        digest.update(piece)
    return {"real": real, "stat": files.stat_key(st), "digest": digest.hexdigest(), "verified": since}


def build(
    path: Path, real: str, where: Path, name: str, got: Seen, progress: Any, parts: list[dict[str, Any]] | None = None
) -> Any:
    """Build the entry from the store's bytes (its files joined, with `parts`) and return an
    Engine on it; a full load when the store has problems or its blocks cannot be read apart."""
    from timeline import store as store_mod
    from timeline.cache import blocks, version
    from timeline.cache import build as builder
    from timeline.store import decode
    from timeline.store.include import Folder

    data = got.data

    def full() -> Any:
        if parts is not None:
            return store_mod.valid(*store_mod.validate(path))  # file by file, each problem in its file
        return store_mod.valid(*store_mod.validate_text(text, name, Folder(path)))

    text = decode(data, name)  # encoding errors: the full load's own message
    try:
        cut = blocks.split(data)
        head = builder.read_head(data, cut, name, book=parts is not None)
        checked = builder.check_head(head, name)
        chunks = builder.parse_all(data, cut, name, checked.actors, checked.sources, progress)
        _links_hold(chunks)
    except builder.Rebuild:
        return full()
    files.sweep(where.parent)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{where.name}.", suffix=".building", dir=where.parent)
        os.close(fd)
        os.unlink(tmp)  # sqlite makes the file itself; mkstemp only chose a name no one else has
        lines = {b.key: b.line for b in head.blocks if b.kind == blocks.ENTRY}
        meta: dict[str, Any] = {"version": version(), "entry_lines": lines, "parts": parts}
        meta["file"] = stamp(real, data, got.st, got.since)
        builder.write(Path(tmp), head, chunks, meta)
        # A journal left by a writer killed mid-transaction belongs to the old entry: rolled
        # back into the new one, it would damage it.
        for stale in (f"{where}-journal", f"{where}-wal", f"{where}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(stale)
        os.replace(tmp, where)
    except (OSError, Damaged):
        # A cache that cannot be written (a read-only folder, a full disk) is only a slower next run.
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return full()
    try:
        return _engine(Entry.open(where), name, path, real, where)
    except Damaged:
        return full()  # written but unreadable at once (another writer replaced it): no cache this time


def _links_hold(chunks: list) -> None:
    """Rebuild unless ids are unique and every link names an event (as the full load requires)."""
    from timeline.cache.build import Rebuild

    ids = {eid for c in chunks for _, eid, _ in c.rows}
    if len(ids) != sum(len(c.rows) for c in chunks):
        raise Rebuild("duplicate ids")
    for c in chunks:
        for _, _, ref in c.links:
            if ref not in ids:
                raise Rebuild("a link to an unknown event")
