"""A store's text cut into top-level blocks, so that a change costs what it changes.

A block starts at a table header at the start of a line and runs to the next block: an
`[[events]]` table with any sub-tables it has is one block; so is an `[actors.ID]` or
`[sources.ID]` table with its sub-tables; `[store]`, `[check]` and anything else are blocks of
their own, and the text before the first header (comments, root keys) is the prelude.

The cut is made on bytes by a pattern, not by a TOML parser, so a line that only looks like a
header (inside a multi-line string or array) can cut a block in two. Then the block before the
cut ends inside an unfinished string or array and does not parse on its own, and the caller
falls back to parsing the whole file: a wrong cut costs time, never a wrong answer.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

# A header at the start of a line (after the first): the "[" of "\n  [name]".
_HEADER = re.compile(rb"\n[ \t]*\[")
_BLANK = re.compile(rb"[ \t]*")
_NAME = re.compile(rb'[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\\r\n]*)"|\'([^\'\r\n]*)\')[ \t]*')

EVENT = "event"
ENTRY = "entry"  # [actors.ID] or [sources.ID]
OTHER = "other"  # [store], [check], the prelude, and anything else


class Block(NamedTuple):
    kind: str  # EVENT, ENTRY or OTHER
    key: str  # "" for events; "actors.ID" / "sources.ID" for entries; the header name otherwise
    start: int  # byte offsets
    end: int
    line: int  # line of its first byte (1-based)
    digest: bytes


def split(data: bytes) -> list[Block]:
    """The blocks of `data`, in order; their texts join back into `data`."""
    # Each header's "[" and the start of its line.
    starts = [(m.end() - 1, m.start() + 1) for m in _HEADER.finditer(data)]
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    blank = _BLANK.match(data, bom)
    first = blank.end() if blank else bom
    if data[first : first + 1] == b"[":
        starts.insert(0, (first, 0))
    marks: list[tuple[int, str, str]] = [(0, OTHER, "")]  # the prelude, possibly empty
    for at, line_start in starts:
        kind, key = _classify(data, at)
        if kind == "sub":  # a sub-table joins the block of its own table, if that came just before
            if marks[-1][1] in (EVENT, ENTRY) and (key == "" or marks[-1][2] == key):
                continue
            kind = OTHER
        marks.append((line_start, kind, key))
    out: list[Block] = []
    line = 1
    digest, count = hashlib.blake2b, data.count
    for n, (start, kind, key) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(data)
        if start == end and n == 0:
            continue  # no prelude
        out.append(Block(kind, key, start, end, line, digest(data[start:end], digest_size=12).digest()))
        line += count(b"\n", start, end)
    return out


def _classify(data: bytes, at: int) -> tuple[str, str]:
    """(kind, key) of the header whose "[" is at `at`; kind "sub" for a sub-table of an event or entry."""
    if data.startswith(b"[[events]]", at):
        return EVENT, ""
    end = data.find(b"\n", at)
    header = data[at : end if end >= 0 else len(data)].split(b"#", 1)[0].strip()
    double = header.startswith(b"[[")
    path = _path(header[2 if double else 1 :])
    if path is None:
        return OTHER, header.decode("utf-8", "replace")
    if path[0] == "events":
        return (EVENT, "") if double and len(path) == 1 else ("sub", "")
    if path[0] in ("actors", "sources") and len(path) >= 2:
        key = f"{path[0]}.{path[1]}"
        if len(path) > 2:
            return "sub", key
        return (OTHER, key) if double else (ENTRY, key)
    return OTHER, ".".join(path)


def _path(name: bytes) -> list[str] | None:
    """The dotted name of a header as its parts, or None when it is not plain enough to read here."""
    parts: list[str] = []
    pos = 0
    while True:
        m = _NAME.match(name, pos)
        if m is None:
            return None
        raw = m.group(1) or m.group(2) or m.group(3)
        if raw is None:
            return None
        parts.append(raw.decode("utf-8", "replace"))
        pos = m.end()
        if pos < len(name) and name[pos : pos + 1] == b".":
            pos += 1
            continue
        rest = name[pos:]
        return parts if rest in (b"", b"]") or rest.startswith(b"]") else None
