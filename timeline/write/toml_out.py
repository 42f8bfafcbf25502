"""TOML text for new tables, and where in existing text a new table belongs.

Only new text is produced here; existing text is never re-serialised, so its comments,
order, spacing and quoting cannot change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from timeline.store.locate import TOKEN
from timeline.text import CONTROL_CHARS

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Escaped as \uXXXX although TOML would allow some of them raw: the characters timeline.text
# never lets through raw would otherwise hide or reorder text when the file is read in a
# terminal or a review diff. The value itself is unchanged.
_ESCAPE = re.compile(f'["\\\\{CONTROL_CHARS}]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_SURROGATE = re.compile("[\ud800-\udfff]")
# A list of tables, or any list longer than this, is written one item per line, as the
# curated store writes its citations and offices.
_LINE = 100


def string(text: str) -> str:
    """A TOML basic string that reads back as exactly `text`."""
    if _SURROGATE.search(text):
        # Lone surrogates come from undecodable bytes (e.g. in argv) and have no TOML spelling.
        raise ValueError(f"{text.encode('utf-8', 'replace').decode()!r} is not valid Unicode text")
    return '"' + _ESCAPE.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04X}"), text) + '"'


def key(name: str) -> str:
    """A key as written before `=` or inside a header: bare when it can be, quoted otherwise."""
    return name if _BARE_KEY.fullmatch(name) else string(name)


def value(v: Any) -> str:
    """A value on one line: strings, booleans, integers, lists and inline tables."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return string(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def _assignment(name: str, v: Any) -> str:
    line = f"{key(name)} = {value(v)}"
    if isinstance(v, list) and v and (len(line) > _LINE or any(isinstance(x, dict) for x in v)):
        return f"{key(name)} = [\n" + "".join(f"  {value(x)},\n" for x in v) + "]"
    return line


def table(header: str, fields: dict[str, Any]) -> str:
    """`[header]` or `[[header]]` (pass the brackets) followed by one `key = value` per line."""
    return header + "\n" + "".join(_assignment(k, v) + "\n" for k, v in fields.items())


def header_name(*parts: str) -> str:
    """A dotted table name with each part quoted as needed, e.g. actors."a.b"."""
    return ".".join(key(p) for p in parts)


@dataclass(frozen=True, slots=True)
class Table:
    """A table header in existing text: its group (first name part) and where it sits."""

    group: str
    start: int  # offset of the line holding the header
    after: int  # offset of the line after the table's last key, value or header


class _Walk:
    """Where `tables` is in the text: bracket depth, the header being read, where each table ends."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int]] = []
        self.ends: list[int] = []
        self.depth = 0
        self.line_start = True
        self.header: list[str] | None = None  # name tokens while inside a header
        self.closing = 0  # brackets still to close in the current header
        self.last = 0  # end of the last token that is neither blank nor a comment

    def in_header(self, tok: str, text: str, start: int, end: int) -> None:
        assert self.header is not None
        if tok == "]":
            self.closing -= 1
            if self.closing == 0:
                self.found.append((_group(self.header), _line_of(text, start)))
                self.ends.append(end)
                self.header = None
                self.last = end
        elif tok == "[":
            self.closing += 1
        else:
            self.header.append(tok)

    def open_header(self) -> None:
        if self.ends:
            self.ends[-1] = self.last
        self.header, self.closing = [], 1
        self.line_start = False

    def value(self, tok: str, end: int) -> None:
        self.line_start = False
        if tok in "[{":
            self.depth += 1
        elif tok in "]}":
            self.depth = max(self.depth - 1, 0)
        self.last = end


def tables(text: str) -> list[Table]:
    """Every table header in `text`, in order; text that parsed as TOML is assumed."""
    w = _Walk()
    for m in TOKEN.finditer(text):
        tok = m.group()
        if tok == "\n":
            w.line_start = True
        elif tok[0] in " \t\r#":
            continue
        elif w.header is not None:
            w.in_header(tok, text, m.start(), m.end())
        elif w.line_start and w.depth == 0 and tok == "[":
            w.open_header()
        else:
            w.value(tok, m.end())
    if w.ends:
        w.ends[-1] = w.last
    return [Table(group, start, _next_line(text, end)) for (group, start), end in zip(w.found, w.ends, strict=True)]


def _group(tokens: list[str]) -> str:
    first = tokens[0] if tokens else ""
    if first[:1] in "\"'":
        return first[1:-1]
    return first.split(".", 1)[0]


def _line_of(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _next_line(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1
