"""One store's cache entry: an SQLite file of plain data, every piece checksummed.

Tables: `meta` (JSON values by key), `blobs` (packed integer arrays, JSON documents and postings
by name) and `events` (one row per event: its number, id and parsed table as JSON). Each value
carries a CRC-32 of what it holds, checked whenever it is read; a value that fails its check,
a row that is not the one asked for, or any SQLite error raises `Damaged`, and the caller builds
the entry again from the store. Nothing here can run code: there is no pickle, only text,
numbers and bytes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

LAYOUT = 3  # bump when what the tables hold or mean changes
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE events (n INTEGER PRIMARY KEY, id TEXT NOT NULL, data TEXT NOT NULL, crc INTEGER NOT NULL);
CREATE INDEX events_id ON events (id);
"""
_CHUNK = 900  # SQLite's default limit on host parameters is 999


_REQUIRED: Any = object()


class Damaged(Exception):
    """The entry cannot be believed: build it again."""


def _crc(*parts: str | bytes) -> int:
    crc = 0
    for part in parts:
        crc = zlib.crc32(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part, crc)
        crc = zlib.crc32(b"\0", crc)
    return crc


def _event_crc(n: int, eid: str, data: str) -> int:
    return _crc(str(n), eid, data)


class Entry:
    """An open entry. Reads check every value; writes happen inside `transaction()`."""

    def __init__(self, db: sqlite3.Connection, file: Path) -> None:
        self.db = db
        self.file = file

    @classmethod
    def open(cls, file: Path, *, write: bool = False) -> Entry:
        """Open an existing entry; Damaged if it is not one.

        Read and write where the file allows: a writer killed mid-transaction leaves a journal
        that the next reader must roll back, which a read-only connection cannot do (SQLite then
        refuses every read). `write` insists on writing.
        """
        modes = ("rw",) if write or os.access(file, os.W_OK) else ("ro",)
        try:
            db = sqlite3.connect(f"{file.as_uri()}?mode={modes[0]}", uri=True, timeout=10, isolation_level=None)
        except (sqlite3.Error, ValueError) as e:
            raise Damaged(str(e)) from None
        return cls(db, file)

    @classmethod
    def create(cls, file: Path) -> Entry:
        """A new, empty entry at `file` (which must not exist), for building."""
        db = sqlite3.connect(file, isolation_level=None)
        # The file stays private until it is renamed into place, so journaling and syncing buy
        # nothing: a crash leaves a stray temp file, swept later.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(SCHEMA)
        return cls(db, file)

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    def _write(self, sql: str, args: Sequence[Any] = ()) -> None:
        try:
            self.db.execute(sql, args)
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    # ---- meta: JSON values -------------------------------------------------------------------

    def meta(self, key: str, default: Any = _REQUIRED) -> Any:
        """The value under `key`; Damaged when it is missing and no `default` is given."""
        rows = self._query("SELECT value, crc FROM meta WHERE key = ?", (key,))
        if not rows:
            if default is _REQUIRED:
                raise Damaged(f"meta {key} is missing")
            return default
        value, crc = rows[0]
        if not isinstance(value, str) or crc != _crc(key, value):
            raise Damaged(f"meta {key}")
        return json.loads(value)

    def metas(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        found = self._query(f"SELECT key, value, crc FROM meta WHERE key IN ({','.join('?' * len(keys))})", keys)
        out = {}
        for key, value, crc in found:
            if not isinstance(value, str) or crc != _crc(key, value):
                raise Damaged(f"meta {key}")
            out[key] = json.loads(value)
        return out

    def set_meta(self, key: str, value: Any) -> None:
        from timeline.cache.build import plain

        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=plain)
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", (key, text, _crc(key, text)))

    def drop_memos(self) -> None:
        """Forget every value worked out from the store as it was (`Engine.memo`)."""
        self._write("DELETE FROM meta WHERE key LIKE 'memo:%'")

    # ---- blobs: bytes, integer arrays, JSON documents ----------------------------------------

    def blob(self, name: str) -> bytes | None:
        rows = self._query("SELECT data, crc FROM blobs WHERE name = ?", (name,))
        if not rows:
            return None
        data, crc = rows[0]
        if not isinstance(data, bytes) or crc != _crc(name, data):
            raise Damaged(f"blob {name}")
        return data

    def blobs(self, names: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for at in range(0, len(names), _CHUNK):
            part = names[at : at + _CHUNK]
            for name, data, crc in self._query(
                f"SELECT name, data, crc FROM blobs WHERE name IN ({','.join('?' * len(part))})", part
            ):
                if not isinstance(data, bytes) or crc != _crc(name, data):
                    raise Damaged(f"blob {name}")
                out[name] = data
        return out

    def set_blob(self, name: str, data: bytes) -> None:
        self._write("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", (name, data, _crc(name, data)))

    def set_blobs(self, items: Iterable[tuple[str, bytes]]) -> None:
        try:
            self.db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", ((n, d, _crc(n, d)) for n, d in items))
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    def drop_blobs(self, names: Iterable[str]) -> None:
        try:
            self.db.executemany("DELETE FROM blobs WHERE name = ?", ((n,) for n in names))
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    def ints(self, name: str) -> array:
        data = self.blob(name)
        if data is None:
            raise Damaged(f"blob {name} is missing")
        return unpack(data)

    def names(self, name: str) -> list[str]:
        """A list of names stored one per line (ids never hold a line break)."""
        data = self.blob(name)
        if data is None or (data and not data.endswith(b"\n")):
            raise Damaged(f"blob {name}")
        return data.decode("utf-8").split("\n")[:-1]

    def set_names(self, name: str, values: Sequence[str]) -> None:
        self.set_blob(name, "".join(v + "\n" for v in values).encode("utf-8"))

    def doc(self, name: str) -> Any:
        data = self.blob(name)
        if data is None:
            raise Damaged(f"blob {name} is missing")
        return json.loads(data)

    def set_doc(self, name: str, value: Any) -> None:
        self.set_blob(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    # ---- events: one row each -----------------------------------------------------------------

    def rows(self, numbers: Sequence[int]) -> dict[int, tuple[str, str]]:
        """(id, data) of each event number asked for; Damaged if any is missing or wrong."""
        out: dict[int, tuple[str, str]] = {}
        for at in range(0, len(numbers), _CHUNK):
            part = numbers[at : at + _CHUNK]
            for n, eid, data, crc in self._query(
                f"SELECT n, id, data, crc FROM events WHERE n IN ({','.join('?' * len(part))})", part
            ):
                if crc != _event_crc(n, eid, data):
                    raise Damaged(f"event {n}")
                out[n] = (eid, data)
        if len(out) != len(set(numbers)):
            raise Damaged("events missing")
        return out

    def all_rows(self) -> Iterator[tuple[int, str, str]]:
        """Every event row, in number order."""
        try:
            cursor = self.db.execute("SELECT n, id, data, crc FROM events ORDER BY n")
            for n, eid, data, crc in cursor:
                if crc != _event_crc(n, eid, data):
                    raise Damaged(f"event {n}")
                yield n, eid, data
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    def find(self, eid: str) -> tuple[int, str] | None:
        """(number, data) of the event with id `eid` through the id index, or None."""
        rows = self._query("SELECT n, id, data, crc FROM events WHERE id = ?", (eid,))
        for n, found, data, crc in rows:
            if found != eid or crc != _event_crc(n, found, data):
                raise Damaged(f"event {n}")
            return n, data
        return None

    def ids_from(self, prefix: str, limit: int) -> list[str]:
        """Event ids starting with `prefix`, in id order (for completion)."""
        rows = self._query("SELECT id FROM events WHERE id >= ? ORDER BY id LIMIT ?", (prefix, limit))
        return [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith(prefix)]

    def put_rows(self, rows: Iterable[tuple[int, str, str]]) -> None:
        try:
            self.db.executemany(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?)",
                ((n, eid, data, _event_crc(n, eid, data)) for n, eid, data in rows),
            )
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    def drop_rows(self, numbers: Iterable[int]) -> None:
        try:
            self.db.executemany("DELETE FROM events WHERE n = ?", ((n,) for n in numbers))
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise Damaged(str(e)) from None

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        try:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        except sqlite3.Error as e:
            if kind is None:
                raise Damaged(str(e)) from None


def pack(numbers: Iterable[int]) -> bytes:
    """Integers as a compact blob (machine-order 32-bit; the entry's key names the byte order)."""
    return array("i", numbers).tobytes()


def unpack(blob: bytes) -> array:
    numbers = array("i")
    numbers.frombytes(blob)
    return numbers
