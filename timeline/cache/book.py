"""A store in several files (`[store] include`) through the cache: its files read as one text.

The main file and the files it includes, in load order, are joined into one text, each file
starting on a line of its own; the entry is built and updated from that text exactly as from a
one-file store, and its stamp is the SHA-256 of the joined text, so a change to any file, or a
file a pattern newly matches, changes it. An entry of such a store is never trusted on stat
data: every run reads the files and compares the hash (milliseconds, against seconds for a parse).

Joining is safe only when each included file holds nothing but actors, sources and events
tables (comments and blank lines before them) and each file's last block parses on its own (no
string or array left open for the next file to close): then the joined text means what the
files mean together. Anything else (keys before the first table, a file that is not UTF-8) is left to
the full load, which reads the files one by one and reports what is wrong where it is.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.cache import blocks as blocks_mod
from timeline.cache.files import Seen
from timeline.errors import StoreError

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Joined:
    """The joined text (as Seen: the main file's stat, the time before the first read) and where
    each included file begins in it: {"file", "line" (its first line), "index" (its first event)}."""

    seen: Seen
    parts: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Gathered:
    """The store's files read, in load order: enough to tell whether the entry still describes
    them (`digest`), before any of the work of `join`."""

    main: Seen
    rels: list[str]
    datas: list[bytes]  # each included file's bytes, in the order of `rels`

    def pieces(self) -> list[bytes]:
        """The joined text in pieces: each file starts on a line of its own."""
        out = [self.main.data]
        for data in self.datas:
            if not out[-1].endswith(b"\n"):
                out.append(b"\n")
            out.append(data)
        return out

    @property
    def size(self) -> int:
        return sum(map(len, self.pieces()))

    def layout(self) -> list[list[Any]]:
        """Each included file and its size: with the digest, what the entry must match (the same
        text cut differently between files, or a file renamed, is another store)."""
        return [[rel, len(data)] for rel, data in zip(self.rels, self.datas, strict=True)]

    def digest(self) -> str:
        """The SHA-256 of the joined text, without joining it."""
        import hashlib

        h = hashlib.sha256()
        for piece in self.pieces():
            h.update(piece)
        return h.hexdigest()

    def join(self) -> Joined | None:
        """The joined text and where each file begins; None when the files cannot be joined safely."""
        main_cut = blocks_mod.split(self.main.data)
        if not _ends_cleanly(main_cut, self.main.data):
            return None
        parts: list[dict[str, Any]] = []
        line = self.main.data.count(b"\n") + 1
        index = sum(b.kind == blocks_mod.EVENT for b in main_cut)
        previous = self.main.data
        for rel, data in zip(self.rels, self.datas, strict=True):
            cut = blocks_mod.split(data)
            if not _joinable(data, cut):
                return None
            if not previous.endswith(b"\n"):
                line += 1
            parts.append({"file": rel, "line": line, "index": index, "size": len(data)})
            line += data.count(b"\n")
            index += sum(b.kind == blocks_mod.EVENT for b in cut)
            previous = data
        return Joined(Seen(b"".join(self.pieces()), self.main.st, self.main.since), parts)


def gather(path: Path, main: Seen) -> Gathered | None:
    """The store's files, given the main file's bytes; None when the main file includes nothing,
    or an include cannot be followed (the full load says why)."""
    from timeline.cache.build import Rebuild, read_head
    from timeline.store.include import Folder, included, may_include, patterns

    if not may_include(main.data):
        return None
    try:
        head = read_head(main.data, blocks_mod.split(main.data), str(path), book=True)
    except (Rebuild, StoreError):
        return None
    if patterns(head.data) is None:
        return None
    rels = included(head.data, Folder(path))
    if rels is None:
        return None
    datas = []
    for rel in rels:
        data = _read_part(path.parent / rel)
        if data is None:
            return None
        datas.append(data)
    return Gathered(main, rels, datas)


def joined(path: Path, main: Seen) -> Joined | None:
    """The store's files as one text (see `gather` and `Gathered.join`)."""
    found = gather(path, main)
    return found.join() if found is not None else None


def _read_part(file: Path) -> bytes | None:
    """An included file's bytes (a leading byte-order mark dropped) when it is a regular file."""
    try:
        if not stat.S_ISREG(os.stat(file).st_mode):
            return None
        return file.read_bytes().removeprefix(_BOM)
    except OSError:
        return None


def _joinable(data: bytes, cut: list[blocks_mod.Block]) -> bool:
    """Whether an included file can join the text: UTF-8 without NUL, only actors, sources and
    events tables after comments and blank lines, and its last block closed."""
    import tomli

    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if b"\0" in data or not _ends_cleanly(cut, data):
        return False
    for b in cut:
        if b.kind != blocks_mod.OTHER:
            continue
        if b.start != 0:
            return False  # [store], [check] or another table: the full load says what is wrong
        try:
            if tomli.loads(data[: b.end].decode("utf-8")):
                return False  # keys before the first table would join the file before
        except tomli.TOMLDecodeError:
            return False
    return True


def _ends_cleanly(cut: list[blocks_mod.Block], data: bytes) -> bool:
    """Whether the file's last block (of `cut`, its blocks) parses on its own: no string or array
    left open for the next file to close (a valid file's does; one that does not is left to the
    full load)."""
    import tomli

    if not cut:
        return True
    try:
        tomli.loads(data[cut[-1].start : cut[-1].end].decode("utf-8").removeprefix("\ufeff"))
    except (tomli.TOMLDecodeError, UnicodeDecodeError):
        return False
    return True


def read(path: Path) -> Gathered | None:
    """Read the main file and the store's files; None for a one-file store."""
    since = time.time_ns()
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    return gather(path, Seen(data, st, since))


def place(parts: list[dict[str, Any]], line: int) -> tuple[str, int]:
    """The file ("" the main one) and line there of a line of the joined text."""
    from bisect import bisect_right

    at = bisect_right([p["line"] for p in parts], line)
    if at == 0:
        return "", line
    part = parts[at - 1]
    return part["file"], line - part["line"] + 1
