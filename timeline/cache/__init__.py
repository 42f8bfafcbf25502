"""A parsed-store cache in SQLite, one file per store, in the user's cache folder.

Parsing and building the model are most of what a run on a large store costs. So a store of
MIN_BYTES or more gets a cache file in $XDG_CACHE_HOME/timeline (else ~/.cache/timeline) with:
its parsed top-level tables; the actors and sources as built; one row per event with its
parsed table, its date bounds and its place in the timeline order; and postings (the events
of each actor and tag). `store.validate` takes the parse from it; `timeline.index` answers a
filtered `list` from it while reading only the events that may match.

An entry answers only while its key matches: the store's real path, size, modification time,
inode and device, this package's version and a checksum of its source files, the layout
version below, and the Python version. A full load also checks a hash of the text it read.
An entry that does not match, or cannot be read for any reason, is ignored and rebuilt: the
cache is never needed for an answer and never changes one. Stores with errors are not cached.
TIMELINE_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from timeline.model import Problem, Store

# Bump whenever the tables below or what a row means change.
LAYOUT = 1
ENV_OFF = "TIMELINE_NO_CACHE"
# Below this size parsing is quicker than opening the cache (importing sqlite3 and pickle alone
# takes a few milliseconds), so small stores are not cached.
MIN_BYTES = 128 * 1024


def enabled() -> bool:
    """False when $TIMELINE_NO_CACHE is set to anything but '' or '0'."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


def folder() -> Path:
    """$XDG_CACHE_HOME/timeline, else ~/.cache/timeline."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


def location(path: Path) -> Path:
    """The cache file for the store at `path`: its name and a checksum of its real path."""
    import zlib

    real = os.path.realpath(path)
    # The checksum only spreads stores over names; the key inside the file decides.
    tag = zlib.crc32(real.encode("utf-8", "surrogatepass"))
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(real).stem)[:40]
    return folder() / f"{stem}-{tag:08x}.sqlite"


class Entry:
    """The cache entry of one store, keyed by the file as it was when this object was made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.key = _key(path) if enabled() else None

    def connect(self) -> sqlite3.Connection | None:
        """A read-only connection to the entry if it matches the key; None otherwise."""
        if self.key is None:
            return None
        import sqlite3

        file = location(self.path)
        try:
            db = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, ValueError):
            return None
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
            if row is not None and row[0] == self.key:
                return db
        except sqlite3.Error:
            pass
        db.close()
        return None

    def parsed(self, text: str) -> dict[str, Any] | None:
        """The parsed TOML of `text` from the cache, or None (missing, stale, corrupt or turned off)."""
        db = self.connect()
        if db is None:
            return None
        try:
            with no_gc():
                return _read_parsed(db, text)
        except Exception:  # noqa: BLE001 - any damage means "not cached"; the caller parses
            return None
        finally:
            db.close()

    def save(self, text: str, data: dict[str, Any], store: Store, problems: list[Problem], progress=None) -> None:
        """Write the entry for a store just parsed from `text`; never raises.

        Skipped when the store has errors, when the cache is off, and when the file changed
        while it was read (its key now differs), so an entry always describes its key's bytes.
        """
        if self.key is None or any(p.severity == "error" for p in problems):
            return
        if _key(self.path) != self.key:
            return
        try:
            _write(location(self.path), self.key, _digest(text), data, store, progress)
        except Exception:  # noqa: BLE001 - a cache that cannot be written is only a slower next run
            return


def _key(path: Path) -> str | None:
    import stat

    from timeline import __version__

    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None  # a pipe or device has no stable identity to key on
    if st.st_size < MIN_BYTES:
        return None
    real = os.path.realpath(path)
    file = (real, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
    return repr((LAYOUT, __version__, _code(), sys.version_info[:2], sys.byteorder, file))


@lru_cache(maxsize=1)
def _code() -> int:
    """A checksum of this package's source files' sizes and times, taken once per process.

    An entry holds results of this code (built actors, the timeline order, messages), so an
    edited checkout must not read entries an older one wrote, whatever the version says.
    """
    import zlib

    package = os.path.dirname(os.path.abspath(__file__))
    seen: list[tuple[str, int, int]] = []
    for folder in (package, *(e.path for e in os.scandir(package) if e.is_dir() and e.name != "__pycache__")):
        for entry in os.scandir(folder):
            if entry.name.endswith(".py"):
                st = entry.stat()
                seen.append((entry.path, st.st_size, st.st_mtime_ns))
    return zlib.crc32(repr(sorted(seen)).encode())


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _read_parsed(db: sqlite3.Connection, text: str) -> dict[str, Any] | None:
    import pickle

    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('digest', 'head', 'count')"))
    if meta.get("digest") != _digest(text):
        return None
    data = pickle.loads(meta["head"])
    events = [pickle.loads(raw) for (raw,) in db.execute("SELECT raw FROM events ORDER BY idx")]
    if len(events) != meta["count"]:
        return None
    if "events" in data:
        data["events"] = events
    return data


def read_head(db: sqlite3.Connection) -> Mapping[str, Any]:
    """The entry's metadata: parsed top-level tables other than events, warnings, counts."""
    import pickle

    keys = ("head", "skeleton", "count", "cyclic", "contradiction")
    meta = dict(db.execute(f"SELECT key, value FROM meta WHERE key IN {keys}"))
    return {
        "head": pickle.loads(meta["head"]),
        "skeleton": pickle.loads(meta["skeleton"]),
        "count": meta["count"],
        "cyclic": pickle.loads(meta["cyclic"]),
        "contradiction": pickle.loads(meta["contradiction"]),
    }


@contextmanager
def no_gc() -> Iterator[None]:
    # Unpickling allocates many containers at once; the cyclic collector would walk them all
    # again and again for nothing (none of them can be garbage yet).
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE events (
    idx INTEGER PRIMARY KEY,  -- position among the [[events]] tables, Event.index
    id TEXT NOT NULL,
    line INTEGER NOT NULL,
    earliest INTEGER NOT NULL,  -- date bounds as proleptic ordinals (date.toordinal)
    latest INTEGER NOT NULL,
    placed_earliest INTEGER NOT NULL,  -- bounds tightened by the relations (order.place)
    placed_latest INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    related BLOB NOT NULL,  -- idx of the events it names and of those that answer it, packed
    raw BLOB NOT NULL  -- the event's parsed TOML table, pickled
);
-- One row per actor id and per folded tag: the idx of its events, packed, ascending.
CREATE TABLE postings (kind TEXT NOT NULL, name TEXT NOT NULL, idx BLOB NOT NULL, PRIMARY KEY (kind, name));
"""
_CHUNK = 20_000


def pack(numbers) -> bytes:
    """Event positions as a compact blob (machine-order 32-bit; the key names the byte order)."""
    from array import array

    return array("i", numbers).tobytes()


def unpack(blob: bytes) -> list[int]:
    from array import array

    numbers = array("i")
    numbers.frombytes(blob)
    return numbers.tolist()


def _pickle_model(obj: object) -> bytes:
    """Pickle model values so that loading calls each class with its fields (plain pickling
    restores frozen dataclasses one attribute at a time, several times slower)."""
    import copyreg
    import io
    import pickle
    from dataclasses import fields

    from timeline import dates, model

    table = copyreg.dispatch_table.copy()
    for cls in (model.Store, model.Actor, model.Role, model.Source, dates.EDate):
        if all(f.init for f in fields(cls)):
            table[cls] = _by_fields(cls, tuple(f.name for f in fields(cls)))
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    pickler.dump(obj)
    return buffer.getvalue()


def _by_fields(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    def reduce(obj: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, tuple([getattr(obj, n) for n in names])

    return reduce


def _write(file: Path, key: str, digest: str, data: dict[str, Any], store: Store, progress) -> None:
    """Build the entry in a temp file beside `file`, then rename it over `file` in one step."""
    import pickle
    import sqlite3
    import tempfile
    from dataclasses import replace

    from timeline.query import order
    from timeline.text import fold

    raws = data.get("events", [])
    if not isinstance(raws, list) or len(raws) != len(store.events):
        return
    placement = order.place(store)
    first = [(e.line, message) for e, message in order.contradictions(store, placement)[:1]]
    head = {k: ([] if k == "events" else v) for k, v in data.items()}
    position = {e.id: e.index for e in store.events}
    related: dict[int, set[int]] = {}
    actors: dict[str, list[int]] = {}
    tags: dict[str, list[int]] = {}
    folded: dict[str, str] = {}
    for e in store.events:
        idx = e.index
        if e.in_response_to or e.after or e.before:
            related.setdefault(idx, set()).update(position[r] for r in (*e.in_response_to, *e.after, *e.before))
            for target in e.in_response_to:
                related.setdefault(position[target], set()).add(idx)
        for a in e.actors if len(e.actors) < 2 else dict.fromkeys(e.actors):
            actors.setdefault(a, []).append(idx)
        for t in {folded.get(t) or folded.setdefault(t, fold(t)) for t in e.tags} if e.tags else ():
            tags.setdefault(t, []).append(idx)
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    os.close(fd)
    tmp: str | None = name
    try:
        db = sqlite3.connect(name)
        try:
            # The file is private until the rename, so journaling and syncing would buy nothing:
            # a crash leaves a stray temp file or an unreadable entry, and both are ignored.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_TABLES)
            total = len(store.events)
            dumps, protocol, none = pickle.dumps, pickle.HIGHEST_PROTOCOL, b""
            p_earliest, p_latest, depth = placement.earliest, placement.latest, placement.depth
            for start in range(0, total, _CHUNK):
                db.executemany(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            e.index,
                            e.id,
                            e.line,
                            e.date.earliest.toordinal(),
                            e.date.latest.toordinal(),
                            p_earliest[e.id].toordinal(),
                            p_latest[e.id].toordinal(),
                            depth[e.id],
                            pack(sorted(related[e.index])) if e.index in related else none,
                            dumps(raws[e.index], protocol),
                        )
                        for e in store.events[start : start + _CHUNK]
                    ],
                )
                if progress:
                    progress(min(start + _CHUNK, total), total)
            postings = [("actor", a, pack(ids)) for a, ids in actors.items()]
            postings += [("tag", t, pack(ids)) for t, ids in tags.items()]
            db.executemany("INSERT INTO postings VALUES (?, ?, ?)", postings)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("key", key),
                    ("digest", digest),
                    ("count", total),
                    ("head", dumps(head, protocol)),
                    ("skeleton", _pickle_model(replace(store, events=()))),
                    ("cyclic", dumps(placement.cyclic)),
                    ("contradiction", dumps(first[0] if first else None)),
                ],
            )
            db.commit()
        finally:
            db.close()
        os.replace(name, file)
        tmp = None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


Progress = Callable[[int, int], None]


def validate(path: Path, *, progress: Progress | None = None) -> tuple[Store, list[Problem]]:
    """`store.validate`, answered from the cache when it holds this exact file.

    A fresh parse of a valid store is saved for the next run; `progress(done, total)` is called
    while a large entry is written (the caller decides whether to show it).
    """
    from timeline.store import parse_toml, read_text, shown
    from timeline.store.schema import build

    name = shown(path)
    entry = Entry(path)  # keyed on the file as it is before it is read
    text = read_text(path)
    data = entry.parsed(text)
    if data is not None:
        return build(data, name, text)
    data = parse_toml(text, name)
    store, problems = build(data, name, text)
    entry.save(text, data, store, problems, progress)
    return store, problems


def load(path: Path, *, progress: Progress | None = None) -> Store:
    """`store.load` through the cache."""
    from timeline.store import valid

    return valid(*validate(path, progress=progress))
