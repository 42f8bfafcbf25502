"""The git merge driver: read base, ours and theirs, merge, write over ours, validate, and say how it went.

Exit status as git expects of a driver: 0 merged cleanly, 1 conflicts left (git then marks the
file conflicted and stops for the user). The result is validated as any write is: a merge whose
result does not load, or links events into a cycle or against their dates, where ours did not,
is reported as a conflict with the located errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from timeline.errors import StoreError, TimelineError

_BOM = "\ufeff".encode()


def run(base: Path, ours: Path, theirs: Path, *, name: str | None, marker_size: int, say: Callable[[str], None]) -> int:
    """Merge `theirs` into `ours` (rewritten in place) from their common `base`; return the exit status."""
    from timeline.history.merge import merge, merge_lines
    from timeline.text import printable
    from timeline.write.file import write_atomic

    shown = printable(name) if name else "the store"
    raw = [_read(p) for p in (base, ours, theirs)]
    texts = [_text(data, shown) for data in raw]
    base_text, ours_text, theirs_text = texts
    result = None
    if base_text is not None and ours_text is not None and theirs_text is not None:
        result = merge(base_text, ours_text, theirs_text, marker_size=marker_size)
    if result is None:
        data, conflicts = merge_lines(*raw, marker_size=marker_size)
        write_atomic(ours, data)
        say(f"{shown}: not a store timeline can merge event by event; merged its lines as git does")
        if conflicts:
            say(f"{shown}: {conflicts} conflict(s) left between <<<<<<< and >>>>>>> markers; resolve them and commit")
            return 1
        return 1 if _broken(data, raw[1], shown, say, name) else 0
    data = (_BOM if raw[1].startswith(_BOM) else b"") + result.text.encode("utf-8")
    write_atomic(ours, data)
    for note in result.notes:
        say(f"{shown}: {note}")
    for conflict in result.conflicts:
        say(f"{shown}: conflict: {conflict}; left between <<<<<<< and >>>>>>> markers")
    if result.conflicts:
        return 1
    return 1 if _broken(data, raw[1], shown, say, name) else 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise TimelineError(f"{path}: cannot read: {e.strerror or e}") from None


def _text(data: bytes, name: str) -> str | None:
    """The store text, "" for an empty side (a file one side added), None when it is not text a store can be."""
    from timeline.store import decode

    if not data.strip():
        return data.decode("utf-8", "replace")
    try:
        return decode(data, name)
    except StoreError:
        return None


def _broken(merged: bytes, ours: bytes, name: str, say: Callable[[str], None], path: str | None = None) -> bool:
    """Say each load error the merge brought in (one ours already had is not the merge's doing); any?

    `path` (git's %P) places a file of a store in several files among the others in the work
    tree, so that it is checked as part of its store.
    """
    from timeline.write import book

    path = path or _located(ours)
    where = book.store_of(Path(path), ours) if path and Path(path).is_file() else None
    if where is not None:
        # Git merges a store's files one at a time: the other files may not hold their side's
        # new actors, sources and events yet, so references across files (E006) are left to
        # `timeline check` after the merge.
        new = [p for p in book.problems(*where, merged, links=True) if p.code != "E006"]
        old = {(p.code, p.message) for p in book.problems(*where, ours, links=True)}
    else:
        new = _errors(merged, name)
        old = {(p.code, p.message) for p in _errors(ours, name)}
    fresh = [p for p in new if (p.code, p.message) not in old]
    for p in fresh:
        say(f"the merged store is not valid: {p.brief()}")
    if fresh:
        say(f"{name}: fix the merged store, then 'git add' it and commit")
    return bool(fresh)


def _located(ours: bytes) -> str | None:
    """Which tracked .toml file of the work tree (git runs drivers at its top) holds our side's
    bytes: the file being merged, when git was not told to pass its name (%P)."""
    import os

    from timeline.history import git

    try:
        listed = git.run(["ls-files", "-z", "--", "*.toml"], cwd=Path("."))
    except TimelineError:
        return None
    found = []
    for raw in listed.split(b"\0"):
        name = os.fsdecode(raw)
        try:
            if raw and os.path.getsize(name) == len(ours) and Path(name).read_bytes() == ours:
                found.append(name)
        except OSError:
            continue
    return found[0] if len(found) == 1 else None


def _errors(data: bytes, name: str) -> list:
    """Load errors, else the link errors (E009, E010) that add, import and edit refuse too."""
    from timeline.write import problems_in

    if not data.strip():
        return []
    return problems_in(data, name) or _link_errors(data, name)


def _link_errors(data: bytes, name: str) -> list:
    from timeline.lint import findings
    from timeline.store import decode, parse_toml

    text = decode(data, name)
    on = frozenset({"E009", "E010"})
    found, _ = findings(parse_toml(text, name), text, name, on=on)
    return [replace(p, file=name) for p in found if p.code in on]


# What `timeline init --git` registers; the names are the interface documented in the README.
DRIVER = "timeline merge-driver %O %A %B"
DRIVER_NAME = "timeline: merge events, actors and sources by id"


def register(store: Path) -> list[str]:
    """Make git merge `store` with this driver: a .gitattributes line beside it and the repository's config.

    Runs `git init` first when the folder is in no repository. Returns what was done, one line each.
    """
    from timeline.history import git
    from timeline.text import printable
    from timeline.write.file import write_atomic

    folder = store.parent if str(store.parent) else Path(".")
    done: list[str] = []
    try:
        git.run(["rev-parse", "--show-toplevel"], cwd=folder)
    except git.GitError:
        git.run(["init", "--quiet"], cwd=folder)
        done.append(f"Started a git repository ({printable(str(folder / '.git'))}).")
    lines = [f"{p} merge=timeline" for p in [attribute_pattern(store.name), *_included_patterns(store)]]
    attributes = folder / ".gitattributes"
    try:
        old = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise TimelineError(
            f"{printable(str(attributes))}: cannot read: {e}; add the line '{lines[0]}' by hand"
        ) from None
    new = [line for line in lines if line not in old.splitlines()]
    if new:
        write_atomic(attributes, old + ("" if not old or old.endswith("\n") else "\n") + "".join(f"{x}\n" for x in new))
        shown = "', '".join(printable(x) for x in new)
        done.append(f"Added '{shown}' to {printable(str(attributes))}; commit it so every clone merges alike.")
    git.run(["config", "merge.timeline.name", DRIVER_NAME], cwd=folder)
    git.run(["config", "merge.timeline.driver", DRIVER], cwd=folder)
    done.append(f'Set git config merge.timeline.driver "{DRIVER}" (each clone needs it once).')
    return done


def _included_patterns(store: Path) -> list[str]:
    """The store's include patterns that .gitattributes can name as written (plain path characters
    and globs), so that git merges the included files with the driver too."""
    import re

    from timeline.store import parse_toml, read_text
    from timeline.store.include import patterns

    try:
        found = patterns(parse_toml(read_text(store), str(store))) or []
    except StoreError:
        return []
    return [p for p in found if isinstance(p, str) and re.fullmatch(r"[A-Za-z0-9._+@/*?!\[\]-]+", p) and ".." not in p]


def attribute_pattern(name: str) -> str:
    """A .gitattributes pattern matching exactly the file called `name`."""
    import re

    from timeline.errors import UsageError

    if re.fullmatch(r"[A-Za-z0-9._+@-]+", name) and not name.startswith("."):
        return name
    if any(c in name for c in "\n\r\0"):
        raise UsageError("the store's file name holds a line break, which .gitattributes cannot name; rename it")
    literal = re.sub(r"([*?\[\]\\!#])", r"\\\1", name)  # glob characters as themselves
    return '"' + literal.replace("\\", "\\\\").replace('"', '\\"') + '"'
