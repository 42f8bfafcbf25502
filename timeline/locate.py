"""Find the line of a table or key in store text, so errors can say where to look.

TOML parsers return plain dicts without positions; this light line scanner recovers them.
It only runs when a message needs a line (an error, or `check`), never on a clean load.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- \"']+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.[^=]*)?=""")
_EVENT_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)


def event_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each `[[events]]` header, in order."""
    lines: list[int] = []
    line, pos = 1, 0
    for m in _EVENT_HEADER.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


class Locator:
    """Maps (table, key) to the line where the key is written."""

    def __init__(self, text: str) -> None:
        self._keys: dict[tuple[str, str], int] = {}
        self._tables: dict[str, int] = {}
        table = ""
        events = -1
        in_string: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_string:
                if raw.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(raw)
            if header:
                name = _unquote_dotted(header.group(2))
                if header.group(1) == "[[" and name == "events":
                    events += 1
                    table = f"events.{events}"
                else:
                    table = name
                self._tables.setdefault(table, number)
                continue
            key = _KEY.match(raw)
            if key:
                self._keys.setdefault((table, key.group(1).strip("\"'")), number)
            for quote in ('"""', "'''"):
                if raw.count(quote) % 2 == 1:
                    in_string = quote
                    break

    def table(self, table: str) -> int | None:
        """Line of the header `[table]`, or of the n-th `[[events]]` for table "events.N"."""
        return self._tables.get(table)

    def key(self, table: str, key: str) -> int | None:
        """Line of `key = …` inside `table`, else the table's own line."""
        return self._keys.get((table, key)) or self._tables.get(table)

    def top_key(self, key: str) -> int | None:
        """Line of a top-level key or table named `key`."""
        return self._keys.get(("", key)) or self._tables.get(key)


def _unquote_dotted(name: str) -> str:
    parts = [p.strip().strip("\"'") for p in name.split(".")]
    return ".".join(parts)
