"""Store text cut into its top-level blocks, each keyed by what it holds, for merging fact by fact.

A block is an `[[events]]` table with its sub-tables (keyed by the event's id), an
`[actors.ID]` or `[sources.ID]` table with its sub-tables, `[store]`, `[check]`, any other table
by name, and the text before the first header (the preamble). Comment lines directly above a
header belong to its block; the blank lines after a block are its gap. Joined back in order,
the blocks are the text byte for byte.

Headers are found line by line and each block is parsed on its own; `split` answers None unless
every block parses and together they hold exactly what the whole text holds, so a line inside a
multi-line string that looks like a header can never cut a block in two unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_HEADER = re.compile(r"[ \t]*\[")
_KEY = re.compile(r"""[ \t]*([A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*=""")

Key = tuple[str, ...]


@dataclass(slots=True)
class Block:
    """One block: its key, its text (from its leading comments to its last non-blank line), the blank lines after it."""

    key: Key
    text: str
    gap: str
    data: Any  # the table the block holds (the root keys, for the preamble)


def split(text: str) -> list[Block] | None:
    """The blocks of `text` in order, or None when it cannot be cut safely (see the module's note)."""
    import tomli

    lines = text.splitlines(keepends=True)
    starts: list[tuple[int, Key]] = [(0, ("preamble",))]
    current: Key = ("preamble",)
    for n, line in enumerate(lines):
        if not _HEADER.match(line):
            continue
        header = _header(line)
        if header is None:
            continue
        path, array = header
        key = _block_key(path, array, current)
        if key is None:
            continue  # a sub-table of the current block
        current = key
        first = n
        while first > starts[-1][0] and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        starts.append((first, key))
    blocks: list[Block] = []
    for i, (first, key) in enumerate(starts):
        last = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        body = lines[first:last]
        end = len(body)
        while end > 0 and not body[end - 1].strip():
            end -= 1
        block_text, gap = "".join(body[:end]), "".join(body[end:])
        try:
            data = tomli.loads(block_text)
        except (tomli.TOMLDecodeError, ValueError, RecursionError):
            return None
        found = _content(key, data)
        if found is None:
            return None
        blocks.append(Block(found[0], block_text, gap, found[1]))
    keys = [b.key for b in blocks]
    if len(set(keys)) != len(keys) or not _agrees(text, blocks):
        return None
    return blocks


def _header(line: str) -> tuple[tuple[str, ...], bool] | None:
    """The dotted name of a table header line, and whether it is an array header; None when it is not one."""
    import tomli

    try:
        node: Any = tomli.loads(line)
    except (tomli.TOMLDecodeError, ValueError, RecursionError):
        return None
    path: list[str] = []
    array = False
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        path.append(name)
        if isinstance(node, list) and len(node) == 1:
            array, node = True, node[0]
        else:
            array = False
    return (tuple(path), array) if path and node == {} else None


def _block_key(path: tuple[str, ...], array: bool, current: Key) -> Key | None:
    """The key of the block a header starts, or None when it continues the current block."""
    head = path[0]
    if head == "events":
        if path == ("events",) and array:
            return ("events", "")  # the id comes from the parsed table
        return None if current[0] == "events" and len(current) == 2 else ("events",)
    key: Key = (head, path[1]) if head in ("actors", "sources") and len(path) >= 2 else (head,)
    return None if key == current else key


def _content(key: Key, data: dict[str, Any]) -> tuple[Key, Any] | None:
    """The block's real key and the table it holds, checked against what its header promised."""
    if key == ("preamble",):
        return key, data
    if key == ("events", ""):
        events = data.get("events")
        if list(data) != ["events"] or not isinstance(events, list) or len(events) != 1:
            return None
        ident = events[0].get("id")
        return (("events", ident), events[0]) if isinstance(ident, str) else None
    if list(data) != [key[0]]:
        return None
    table = data[key[0]]
    if len(key) == 2:
        if not isinstance(table, dict) or list(table) != [key[1]]:
            return None
        table = table[key[1]]
    return key, table


def _agrees(text: str, blocks: list[Block]) -> bool:
    """Do the blocks hold exactly the tables the whole text does?"""
    import tomli

    try:
        whole = tomli.loads(text)
    except (tomli.TOMLDecodeError, ValueError, RecursionError):
        return False
    events = [b.data for b in blocks if b.key[0] == "events" and len(b.key) == 2]
    if whole.get("events", []) != events and not (events == [] and "events" not in whole):
        return False
    for kind in ("actors", "sources"):
        mine = {b.key[1]: b.data for b in blocks if b.key[0] == kind and len(b.key) == 2}
        if mine and whole.get(kind) != mine:
            return False
    return True


def join(blocks: list[Block]) -> str:
    """The text the blocks make."""
    return "".join(b.text + b.gap for b in blocks)


def key_spans(text: str, has_header: bool) -> tuple[dict[str, tuple[int, int]], int] | None:
    """Where each top-level `key = value` of a one-table block is written, and where its keys end.

    A key's span runs from its line to the next key's line (comments and blank lines between
    go with the key above them). The end is the offset of the first sub-table header, else the
    end of the text. None when a key cannot be placed for certain; the caller checks each span
    by parsing it.
    """
    spans: dict[str, tuple[int, int]] = {}
    pos, started, open_key = 0, not has_header, None
    end = len(text)
    for line in text.splitlines(keepends=True):
        here, pos = pos, pos + len(line)
        if not started:
            if _HEADER.match(line) and _header(line) is not None:
                started = True
            continue
        if _HEADER.match(line) and _header(line) is not None:
            end = here
            break
        m = _KEY.match(line)
        if m is None:
            continue
        name = _unquote(m.group(1))
        if name in spans:
            return None
        if open_key is not None:
            spans[open_key] = (spans[open_key][0], here)
        spans[name] = (here, end)
        open_key = name
    if open_key is not None:
        spans[open_key] = (spans[open_key][0], end)
    return spans, end


def _unquote(key: str) -> str:
    if key.startswith('"'):
        import json

        try:
            return str(json.loads(key))
        except ValueError:
            return key[1:-1]
    return key[1:-1] if key.startswith("'") else key
