"""Find the line of a table, key or array item in store text, so errors can say where to look.

TOML parsers return plain dicts without positions; this scanner recovers them. It reads the
text token by token, so strings (one-line and multi-line), comments and nested arrays never
pass for headers or keys. It assumes text that already parsed as TOML; on anything else it
still ends, it only places things less well.
"""

from __future__ import annotations

import re

from timeline.errors import UsageError

# One token at a time; the last alternative takes any single character, so the scan never stalls.
# An unclosed string runs to the end of its line (or of the text, for a multi-line one) rather
# than failing, so that text which does not parse is still scanned in linear time.
TOKEN = re.compile(
    r'(?P<mlb>"""(?:\\[\s\S]|[^\\])*?(?:"""(?:""?)?|\Z))'
    r"|(?P<mll>'''[\s\S]*?(?:'''(?:''?)?|\Z))"
    r'|(?P<str>"(?:\\.|[^"\\\n])*"?)'
    r"|(?P<lit>'[^'\n]*'?)"
    r"|(?P<nl>\n)"
    r"|(?P<ws>[ \t\r]+)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<punct>[\[\]{},=.])"
    r"|(?P<bare>[^\s\[\]{},=.\"'#]+)"
    r"|(?P<other>.)"
)
# Arrays and inline tables nested deeper than this are walked but not recorded.
_DEPTH = 8
_EVENT_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)


class Locator:
    """Maps tables, keys and array items to the line (1-based) where they are written."""

    def __init__(self, text: str) -> None:
        self._tables: dict[str, int] = {}
        self._keys: dict[tuple[str, str], int] = {}
        # full path of an array -> line of each item (inline items, or [[x]] headers)
        self._items: dict[str, list[int]] = {}
        self._scan(text)

    def table(self, table: str) -> int | None:
        """Line of the header `[table]`, or of the n-th `[[events]]` for table "events.N"."""
        if table in self._tables:
            return self._tables[table]
        if self._items.get(table):
            # An array of tables: its first [[table]] header.
            return self._items[table][0]
        parent, _, last = table.rpartition(".")
        if last.isdigit() and parent in self._items:
            items = self._items[parent]
            return items[int(last)] if int(last) < len(items) else None
        if parent or last:
            return self._keys.get((parent, last))
        return None

    def key(self, table: str, key: str) -> int | None:
        """Line of `key = …` inside `table`, else the table's own line."""
        return self._keys.get((table, key)) or self.table(table)

    def item(self, table: str, key: str, index: int) -> int | None:
        """Line where item `index` of the array `key` in `table` starts, else the key's line."""
        items = self._items.get(_join(table, key), [])
        if 0 <= index < len(items):
            return items[index]
        return self.key(table, key)

    def top_key(self, key: str) -> int | None:
        """Line of a top-level key or table named `key`."""
        return self._keys.get(("", key)) or self.table(key)

    def items(self, path: str) -> list[int]:
        """Lines of the items of the array at `path` (e.g. "events")."""
        return list(self._items.get(path, ()))

    def _scan(self, text: str) -> None:
        tokens = _tokens(text)
        table = ""
        start = True  # at the start of a line, outside any value
        i = 0
        while i < len(tokens):
            kind, value, line = tokens[i]
            if kind == "nl":
                start = True
                i += 1
                continue
            if not start or kind in ("ws", "comment"):
                i += 1
                continue
            start = False
            if value == "[":
                double = i + 1 < len(tokens) and tokens[i + 1][1] == "[" and tokens[i + 1][2] == line
                parts, i = _dotted(tokens, i + (2 if double else 1))
                name = ".".join(parts)
                if double:
                    self._items.setdefault(name, []).append(line)
                    table = f"{name}.{len(self._items[name]) - 1}"
                else:
                    table = name
                self._tables.setdefault(table, line)
                # `[a.b.c]` also brings tables a and a.b into being, here if not before.
                for n in range(1, min(len(parts), _DEPTH)):
                    self._tables.setdefault(".".join(parts[:n]), line)
                i = _skip_to_newline(tokens, i)
                continue
            parts, i = _dotted(tokens, i)
            if not parts or i >= len(tokens) or tokens[i][1] != "=":
                i = _skip_to_newline(tokens, i)
                continue
            self._note_key(table, parts, line)
            i = self._value(tokens, i + 1, _join(table, ".".join(parts)))

    def _note_key(self, table: str, parts: list[str], line: int) -> None:
        for n, part in enumerate(parts[:_DEPTH]):
            self._keys.setdefault((_join(table, ".".join(parts[:n])), part), line)

    def _value(self, tokens: list[tuple[str, str, int]], i: int, path: str | None) -> int:
        """Walk one value starting at token i, noting items and inline keys; return the next index."""
        # Each frame: [path, kind ("[" or "{"), item count]; explicit, so depth costs no recursion.
        stack: list[list] = []
        expect_value = True
        while i < len(tokens):
            kind, value, line = tokens[i]
            if kind in ("nl", "ws", "comment"):
                i += 1
                continue
            if value in ("]", "}"):
                if stack:
                    stack.pop()
                expect_value = False
                i += 1
            elif expect_value:
                expect_value = self._start_value(stack, value, line, path)
                i += 1
            elif value == ",":
                expect_value = bool(stack) and stack[-1][1] == "["
                i += 1
            elif stack and stack[-1][1] == "{":
                i, path, expect_value = self._inline_key(tokens, i, stack, line, path, expect_value)
            else:
                i += 1
            if not stack and not expect_value:
                return i
        return i

    def _start_value(self, stack: list[list], value: str, line: int, path: str | None) -> bool:
        """Note a value that begins (an array item, an inline table); True if another value must follow."""
        item_path: str | None = path
        if stack and stack[-1][1] == "[":
            frame = stack[-1]
            # Deep inside nested arrays nothing is worth placing, and building ever longer
            # paths there would make the scan quadratic.
            item_path = f"{frame[0]}.{frame[2]}" if frame[0] is not None and len(stack) < _DEPTH else None
            if frame[0] is not None:
                self._items.setdefault(frame[0], []).append(line)
            frame[2] += 1
        if value == "{" and item_path is not None:
            self._tables.setdefault(item_path, line)
        if value in ("[", "{"):
            stack.append([item_path, value, 0])
            # An array's first item comes next; an inline table's first key does.
            return value == "["
        return False

    def _inline_key(
        self, tokens: list[tuple[str, str, int]], i: int, stack: list[list], line: int, path: str | None, expect: bool
    ) -> tuple[int, str | None, bool]:
        """A `key =` in an inline table: note it; return the next index, its value's path, whether a value follows."""
        parts, j = _dotted(tokens, i)
        if parts and j < len(tokens) and tokens[j][1] == "=":
            table = stack[-1][0]
            if table is not None:
                self._note_key(table, parts, line)
            path = _join(table, ".".join(parts)) if table is not None and len(stack) < _DEPTH else None
            return j + 1, path, True
        return max(j, i + 1), path, expect


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    line = 1
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        value = m.group()
        out.append((kind, value, line))
        if kind in ("nl", "mlb", "mll"):
            line += value.count("\n")
    return out


def _dotted(tokens: list[tuple[str, str, int]], i: int) -> tuple[list[str], int]:
    """A dotted key from token i: its parts, unquoted, and the index of the token after it."""
    parts: list[str] = []
    while i < len(tokens):
        kind, value, _ = tokens[i]
        if kind == "ws":
            i += 1
        elif kind in ("bare", "str", "lit"):
            parts.append(_unquote(kind, value))
            i += 1
        elif value == ".":
            i += 1
        else:
            break
    return parts, i


def _unquote(kind: str, value: str) -> str:
    if kind == "lit":
        return value[1:-1]
    if kind == "str":
        import json

        try:
            return str(json.loads(value))
        except ValueError:
            return value[1:-1]
    return value


def _skip_to_newline(tokens: list[tuple[str, str, int]], i: int) -> int:
    while i < len(tokens) and tokens[i][0] != "nl":
        i += 1
    return i


def _join(table: str, key: str) -> str:
    if not key:
        return table
    return f"{table}.{key}" if table else key


def event_lines(text: str, expected: int | None = None) -> list[int]:
    """Line numbers (1-based) of each event: its `[[events]]` header or its inline table.

    Every load needs these, so when the caller knows how many events there are, a regex finds
    the usual `[[events]]` headers first; only when its count differs (a header inside a
    multi-line string, a quoted or inline form) does the full scan decide.
    """
    if expected is None:
        return Locator(text).items("events")
    lines: list[int] = []
    line, pos = 1, 0
    for m in _EVENT_HEADER.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    if len(lines) == expected:
        return lines
    return Locator(text).items("events")


def nesting_start(text: str, limit: int = 100) -> tuple[int, int] | None:
    """(line, column) of the outermost bracket of the first value nested deeper than `limit`.

    For saying where a parser gave up on deep nesting; strings and comments do not count.
    """
    opened: list[tuple[int, int]] = []
    line, line_start = 1, 0
    for m in TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind in ("nl", "mlb", "mll") and "\n" in value:
            line += value.count("\n")
            line_start = m.start() + value.rfind("\n") + 1
        elif value in ("[", "{"):
            opened.append((line, m.start() - line_start + 1))
            if len(opened) > limit:
                return opened[0]
        elif value in ("]", "}") and opened:
            opened.pop()
    return None


def find_line(text: str, item: str, kinds: tuple[str, ...] = ("events", "actors", "sources")) -> int:
    """The line of event `item` (its id key) or of its table [actors.item] / [sources.item]."""
    q = re.escape(item)
    patterns = {
        "events": rf"^[ \t]*id[ \t]*=[ \t]*([\"']){q}\1",
        "actors": rf"^[ \t]*\[[ \t]*actors[ \t]*\.[ \t]*([\"']?){q}\1[ \t]*\]",
        "sources": rf"^[ \t]*\[[ \t]*sources[ \t]*\.[ \t]*([\"']?){q}\1[ \t]*\]",
    }
    for kind in kinds:
        m = re.search(patterns[kind], text, re.MULTILINE)
        if m:
            return text.count("\n", 0, m.start()) + 1
    from timeline.text import did_you_mean

    known = re.findall(r"^[ \t]*id[ \t]*=[ \t]*[\"']([^\"'\n]+)", text, re.MULTILINE)
    known += re.findall(r"^[ \t]*\[[ \t]*(?:actors|sources)\.[\"']?([^\]\"'\n]+)", text, re.MULTILINE)
    hint = did_you_mean(item, known, cutoff=0.5) or "see 'timeline list' for ids"
    raise UsageError(f"no event, actor or source '{item}' in the store; {hint}")
