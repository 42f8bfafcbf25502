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

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Joined:
    """The joined text (as Seen: the main file's stat, the time before the first read) and where
    each included file begins in it: {"file", "line" (its first line), "index" (its first event)}."""

    seen: Seen
    parts: list[dict[str, Any]]


def joined(path: Path, main: Seen) -> Joined | None:
    """The store's files as one text, given the main file's bytes; None when the main file
    includes nothing, or when the files cannot be joined safely (see the module's note)."""
    from timeline.cache.build import Rebuild, read_head
    from timeline.store.include import Folder, included, may_include, patterns

    if not may_include(main.data):
        return None
    try:
        head = read_head(main.data, blocks_mod.split(main.data), str(path), book=True)
    except Rebuild:
        return None
    if patterns(head.data) is None:
        return None
    rels = included(head.data, Folder(path))
    if rels is None or not _ends_cleanly(main.data):
        return None
    pieces = [main.data]
    parts: list[dict[str, Any]] = []
    line = main.data.count(b"\n") + 1
    index = sum(b.kind == blocks_mod.EVENT for b in blocks_mod.split(main.data))
    for rel in rels:
        data = _part(path.parent / rel)
        if data is None:
            return None
        if not pieces[-1].endswith(b"\n"):
            pieces.append(b"\n")
            line += 1
        parts.append({"file": rel, "line": line, "index": index})
        pieces.append(data)
        line += data.count(b"\n")
        index += sum(b.kind == blocks_mod.EVENT for b in blocks_mod.split(data))
    return Joined(Seen(b"".join(pieces), main.st, main.since), parts)


def _part(file: Path) -> bytes | None:
    """An included file's bytes when it is a regular UTF-8 file of actors, sources and events only."""
    import tomli

    try:
        if not stat.S_ISREG(os.stat(file).st_mode):
            return None
        data = file.read_bytes().removeprefix(_BOM)
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if b"\0" in data:
        return None
    if not _ends_cleanly(data):
        return None
    for b in blocks_mod.split(data):
        if b.kind != blocks_mod.OTHER:
            continue
        if b.start != 0:
            return None  # [store], [check] or another table: the full load says what is wrong
        try:
            if tomli.loads(data[: b.end].decode("utf-8")):
                return None  # keys before the first table would join the file before
        except tomli.TOMLDecodeError:
            return None
    return data


def _ends_cleanly(data: bytes) -> bool:
    """Whether the file's last block parses on its own: no string or array left open for the next
    file to close (a valid file's does; one that does not is left to the full load)."""
    import tomli

    cut = blocks_mod.split(data)
    if not cut:
        return True
    try:
        tomli.loads(data[cut[-1].start : cut[-1].end].decode("utf-8").removeprefix("\ufeff"))
    except (tomli.TOMLDecodeError, UnicodeDecodeError):
        return False
    return True


def read(path: Path) -> Joined | None:
    """Read the main file and join the store's files; None for a one-file store."""
    since = time.time_ns()
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    return joined(path, Seen(data, st, since))


def place(parts: list[dict[str, Any]], line: int) -> tuple[str, int]:
    """The file ("" the main one) and line there of a line of the joined text."""
    from bisect import bisect_right

    at = bisect_right([p["line"] for p in parts], line)
    if at == 0:
        return "", line
    part = parts[at - 1]
    return part["file"], line - part["line"] + 1
