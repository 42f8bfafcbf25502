"""A store in several files: `[store] include = ["2023/*.toml", "actors.toml"]` in its main file.

Each pattern is a path relative to the main file's folder, with `*`, `?`, `[…]` and `**` as in
the shell; the files it matches are read in sorted order after the main file, each once. An
included file holds actors, sources and events as the main file does, but no [store] or [check]
table (one store has one title and one set of rule choices), so includes do not nest. The files
are checked as one store: every event may cite any file's actors, sources and events, an id
defined in two files is an error naming both, and every problem names its own file and line.

Where the files come from is the caller's: the working tree (`Folder`) or a git revision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from timeline.model import Problem, Store
from timeline.store.fields import BAD_VALUE, DUPLICATE, Collector, Where

MISSING_FILE = "E012"
_GLOB = re.compile(r"[*?\[]")


class Files(Protocol):
    """The files around a main store file, by path relative to its folder ('/'-separated)."""

    def match(self, pattern: str) -> list[str]:
        """The regular files `pattern` names, sorted."""
        ...

    def read(self, rel: str) -> tuple[str, str]:
        """The text of the file and how messages name it; StoreError when it cannot be read."""
        ...

    @property
    def own(self) -> str:
        """The main file's own path relative to its folder (patterns may name it; it is never included)."""
        ...


class Folder:
    """Files in the working tree, next to the main file."""

    def __init__(self, main: Path) -> None:
        self.base = main.parent
        self.main = main

    @property
    def own(self) -> str:
        return self.main.name

    def match(self, pattern: str) -> list[str]:
        """The files `pattern` names, sorted; never the main file itself (`*.toml` beside it)."""
        if not _GLOB.search(pattern):
            found = [self.base / pattern] if (self.base / pattern).exists() else []
        else:
            found = [p for p in self.base.glob(pattern) if p.is_file()]
        return sorted(p.relative_to(self.base).as_posix() for p in found if not _same(p, self.main))

    def read(self, rel: str) -> tuple[str, str]:
        import stat

        from timeline.errors import StoreError
        from timeline.store.read import read_text, shown

        path = self.base / rel
        try:
            regular = stat.S_ISREG(path.stat().st_mode)
        except OSError:
            regular = True  # read_text says what is wrong
        if not regular:  # a FIFO would wait for a writer, a device never end
            raise StoreError(f"{shown(path)}: included, but not a regular file; include only .toml files")
        if path.stat().st_size == 0:
            return "", shown(path)  # a file begun for a new year, empty still, adds nothing
        return read_text(path), shown(path)


def written_at(store: Store, thing: Any) -> str:
    """Where an event, actor or source is written, for a message: 'line 12', or
    'years/2024.toml:12' when it is in a file the store includes."""
    if not getattr(thing, "file", ""):
        return f"line {thing.line}"
    from timeline.store.read import shown

    return f"{shown(Path(store.path).parent / thing.file)}:{thing.line}"


def may_include(data: bytes) -> bool:
    """Whether store bytes may say `include = …` at the start of a line: a quick look (a literal
    search, then the line around each hit) that only a parse can confirm."""
    at = data.find(b"include")
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        if not data[start:at].strip(b" \t") and data[at + 7 : at + 64].lstrip(b" \t").startswith(b"="):
            return True
        at = data.find(b"include", at + 7)
    return False


def glob_pattern(pattern: str) -> re.Pattern[str]:
    """A '/'-separated path pattern as a regular expression: `*` and `?` within a folder, `**/`
    any folders, `[…]` a set (matched as pathlib's glob matches in the working tree)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def merged(data: dict[str, Any], rels: Iterable[str], files: Files) -> dict[str, Any]:
    """The main file's parsed `data` with the actors, sources and events of the included files
    `rels` added, as if the store were one file (for comparing versions fact by fact); a
    StoreError when one does not parse."""
    from timeline.store.read import parse_toml

    def table(part: dict[str, Any], kind: str) -> dict[str, Any]:
        value = part.get(kind, {})
        return value if isinstance(value, dict) else {}

    out = {**data, "actors": dict(table(data, "actors")), "sources": dict(table(data, "sources"))}
    events = data.get("events", [])
    out["events"] = list(events) if isinstance(events, list) else []
    for rel in rels:
        part = parse_toml(*files.read(rel))
        for kind in ("actors", "sources"):
            out[kind].update(table(part, kind))
        more = part.get("events", [])
        out["events"] += more if isinstance(more, list) else []
    return out


def files_of(main: Path) -> list[Path]:
    """The files a store's main file includes, as paths (none for a one-file store, or one whose
    main file cannot be read or parsed: there is nothing then to include)."""
    import stat

    from timeline.errors import StoreError
    from timeline.store.read import parse_toml

    try:
        # Only a regular file: a store read from a pipe (`-f <(…)`) was read once already.
        if not stat.S_ISREG(main.stat().st_mode):
            return []
        data = main.read_bytes()
        if not may_include(data):
            return []
        rels = included(parse_toml(data.decode("utf-8-sig"), str(main)), Folder(main))
    except (OSError, UnicodeDecodeError, StoreError):
        return []
    return [main.parent / rel for rel in rels or []]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def patterns(data: dict[str, Any]) -> list[str] | None:
    """The main file's include patterns as written; None when it has none (the usual one-file store)."""
    meta = data.get("store")
    if not isinstance(meta, dict) or "include" not in meta:
        return None
    value = meta["include"]
    return value if isinstance(value, list) else [value]


def _bad_pattern(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return 'each include is a path or pattern in quotes, such as "2023/*.toml"'
    if PurePosixPath(value).is_absolute() or re.match(r"[A-Za-z]:[\\/]", value) or value.startswith("~"):
        return f"'{value}' is not relative; write it relative to this file so that the store can move"
    if ".." in re.split(r"[\\/]", value):
        return f"'{value}' leaves this file's folder; keep a store's files in its folder and below"
    return None


def build_all(
    main: tuple[dict[str, Any], str, str], files: Files, build: Callable[..., tuple[Store, list[Problem]]]
) -> tuple[Store, list[Problem]]:
    """The store of the main file (its data, name and text) and every file it includes.

    `build(data, name, text, known=...)` is the schema's: each file is checked on its own against
    the ids of all files, then the parts are joined and ids defined twice reported.
    """
    data, name, text = main
    c = Collector(text, name)
    parts: list[tuple[dict[str, Any], str, str, str]] = [(data, name, text, "")]
    for n, pattern, bad, new in _expanded(patterns(data) or [], files):
        where = Where("store", "include", n)
        if bad:
            c.add(BAD_VALUE, where, f"[store]: field 'include': {bad}")
        elif new is None:
            missing = f"[store]: field 'include': '{pattern}' matches no file; fix the path or remove it"
            c.add(MISSING_FILE, where, missing)
        else:
            parts += [_part(files, rel, c) for rel in new]
    parts = [p for p in parts if p[0] is not None]
    known = _known(parts)
    built = [build(d, shown, t, known=known, file=rel) for d, shown, t, rel in parts]
    return _join(built, c, parts)


def _expanded(found: list[Any], files: Files) -> Iterator[tuple[int, Any, str | None, list[str] | None]]:
    """Each pattern with what is wrong with it, or the files it adds (each file once, in load
    order; None when it matches nothing at all)."""
    seen = {""}
    for n, pattern in enumerate(found):
        bad = _bad_pattern(pattern)
        if bad:
            yield n, pattern, bad, None
            continue
        matched = files.match(pattern)
        new = [rel for rel in dict.fromkeys(PurePosixPath(r).as_posix() for r in matched) if rel not in seen]
        seen.update(new)
        # A pattern that names only the main file itself (`*.toml` beside it) includes nothing, silently.
        yield n, pattern, None, new if matched or glob_pattern(pattern).match(files.own) else None


def included(data: dict[str, Any], files: Files) -> list[str] | None:
    """The files a main file with parsed `data` includes, in load order; None when an include
    has a problem (the full load reports it)."""
    out: list[str] = []
    for _, _, bad, new in _expanded(patterns(data) or [], files):
        if bad or new is None:
            return None
        out += new
    return out


def _part(files: Files, rel: str, c: Collector) -> tuple[Any, str, str, str]:
    from timeline.store.read import parse_toml

    text, shown = files.read(rel)
    data = parse_toml(text, shown)  # a syntax error stops the load, located in its own file
    own = Collector(text, shown)
    for key in ("store", "check"):
        if key in data:
            own.add(BAD_VALUE, Where(key), f"[{key}] belongs in the main file only; move it there or remove it")
            data = {k: v for k, v in data.items() if k != key}
    c.problems += own.problems
    return data, shown, text, rel


def _known(parts: list[tuple[dict[str, Any], str, str, str]]) -> dict[str, set[str]]:
    """Every actor, source and event id defined in any of the files, for references across them."""
    known: dict[str, set[str]] = {"actors": set(), "sources": set(), "events": set()}
    for data, *_ in parts:
        for kind in ("actors", "sources"):
            table = data.get(kind)
            if isinstance(table, dict):
                known[kind] |= set(table)
        events = data.get("events")
        if isinstance(events, list):
            known["events"] |= {e["id"] for e in events if isinstance(e, dict) and isinstance(e.get("id"), str)}
    return known


def _join(
    built: list[tuple[Store, list[Problem]]], c: Collector, parts: list[tuple[dict[str, Any], str, str, str]]
) -> tuple[Store, list[Problem]]:
    """One store from the files' stores, in load order; an id in two files is E005 at the second."""
    problems = list(c.problems)
    actors: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    events: list[Any] = []
    by_id: dict[str, Any] = {}
    files: dict[str, int] = {}
    names = {rel: shown for _, shown, _, rel in parts}  # "" is the main file
    offset = 0
    for (store, found), (data, _, _, rel) in zip(built, parts, strict=True):
        problems += found
        for table, into, what in ((store.actors, actors, "actor"), (store.sources, sources, "source")):
            for key, thing in table.items():
                if key in into:
                    problems.append(_twice(what, key, into[key], thing, names))
                else:
                    into[key] = thing
        for e in store.events:
            if e.id in by_id:
                problems.append(_twice("event", e.id, by_id[e.id], e, names, eid=e.id))
                continue
            by_id[e.id] = replace(e, index=offset + e.index) if offset else e
            events.append(by_id[e.id])
        if rel:
            files[rel] = offset
        raw = data.get("events")
        offset += len(raw) if isinstance(raw, list) else 0
    main = built[0][0]
    store = replace(main, events=tuple(events), actors=actors, sources=sources, files=files)
    rank = {shown: n for n, shown in enumerate(names.values())}
    problems.sort(key=lambda p: (rank.get(p.file or "", 0), p.line or 0))
    return store, problems


def _twice(what: str, ident: str, first: Any, second: Any, names: dict[str, str], eid: str | None = None) -> Problem:
    """E005 for the second definition of an id, naming the file and line of the first."""
    there = names[first.file] + (f":{first.line}" if first.line else "")
    message = f"{what} '{ident}': field 'id': already defined at {there}; ids must be unique across the store's files"
    return Problem(DUPLICATE, "error", message, names[second.file], second.line or None, event_id=eid)
