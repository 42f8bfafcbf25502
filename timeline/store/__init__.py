"""Finding, reading and loading the store. All file reading lives here."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from timeline.errors import StoreError, UsageError
from timeline.model import Problem, Store

STORE_NAME = "events.toml"
ENV_VAR = "TIMELINE_FILE"


def find(explicit: str | None = None, *, cwd: Path | None = None) -> Path:
    """The store to use: --file, else $TIMELINE_FILE, else events.toml here or in a parent folder."""
    if explicit is not None:
        if not explicit.strip():
            raise UsageError("--file: the path is empty; give the store file, e.g. --file events.toml")
        return Path(explicit)
    # An empty variable counts as unset, as shells make it easy to set one by accident.
    env = os.environ.get(ENV_VAR)
    if env and env.strip():
        return Path(env)
    try:
        here = (cwd or Path.cwd()).resolve()
    except OSError as e:  # the current folder was deleted under us
        raise StoreError(f"cannot use the current folder ({e.strerror}); change folder or use --file PATH") from None
    for folder in (here, *here.parents):
        candidate = folder / STORE_NAME
        try:
            found = candidate.is_file()
        except OSError:  # a parent we may not look into
            continue
        if found:
            return _relative(candidate, here)
    raise StoreError(
        f"no {STORE_NAME} in this folder or any parent; "
        f"create one with 'timeline init', or point to one with --file PATH or ${ENV_VAR}"
    )


def _relative(path: Path, here: Path) -> Path:
    try:
        return Path(os.path.relpath(path, here))
    except ValueError:
        return path


def read_text(path: Path) -> str:
    """The store's text, or a StoreError that says what is wrong with the file."""
    name = _shown(path)
    try:
        mode = path.stat().st_mode
        # A device or socket is not a store, and /dev/zero would never end; a pipe is fine.
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise StoreError(f"{name}: not a regular file; pass the .toml store file itself")
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{name}: no such file; create it with 'timeline init {name}' or check the path") from None
    except IsADirectoryError:
        raise StoreError(f"{name}: is a folder, not a store file; pass the .toml file itself") from None
    except PermissionError:
        raise StoreError(f"{name}: permission denied; check the file's permissions") from None
    except OSError as e:
        raise StoreError(f"{name}: cannot read: {e.strerror or e}") from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """Store bytes as text; the wrong encoding, a NUL byte or an empty file is a StoreError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StoreError(f"{name}:1:1: the file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _place(data, e.start, b"\n")
        byte = data[e.start]
        raise StoreError(f"{name}:{line}:{col}: not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8") from None
    # Editors on Windows may start the file with a byte-order mark; TOML parsers reject it,
    # but it carries no meaning in UTF-8, so it is dropped rather than reported.
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():
        raise StoreError(f"{name}: the file is empty; add [[events]] tables, or remove it and run 'timeline init'")
    nul = text.find("\0")
    if nul >= 0:
        line, col = _place(text, nul, "\n")
        # UTF-16 without a byte-order mark puts a NUL beside every ASCII letter.
        what = "UTF-16 or binary" if nul < 2 else "binary or damaged"
        raise StoreError(f"{name}:{line}:{col}: a NUL byte; the file looks {what}, save it as UTF-8 text")
    return text


def _place(text, index: int, newline) -> tuple[int, int]:
    """1-based line and column of `index` in `text` (str or bytes)."""
    line_start = text.rfind(newline, 0, index) + 1
    return text.count(newline, 0, index) + 1, index - line_start + 1


def _shown(path: Path) -> str:
    from timeline.text import printable

    return printable(str(path))


def parse_toml(text: str, name: str) -> dict:
    """Parse TOML text; a syntax error becomes a located StoreError."""
    import tomli

    from timeline.text import printable

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as e:
        line, col = getattr(e, "lineno", None), getattr(e, "colno", None)
        msg = printable(str(getattr(e, "msg", e)))
        where = f"{name}:{line}:{col}" if line else name
        raise StoreError(f"{where}: TOML syntax error: {msg}; fix the file and try again") from None
    except RecursionError as e:
        from timeline.store.locate import nesting_start

        if "key has more than" in str(e):
            # tomli's own limit on the parts of a dotted key such as a.b.c
            line = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.count(".") >= 999), None)
            where = f"{name}:{line}" if line else name
            raise StoreError(f"{where}: a dotted key with too many parts to read; shorten it") from None
        deep = nesting_start(text)
        where = f"{name}:{deep[0]}:{deep[1]}" if deep else name
        raise StoreError(f"{where}: arrays or tables nested too deeply to read; flatten them") from None
    except ValueError as e:
        # Python refuses to convert integers of thousands of digits.
        if "digits" in str(e):
            where = _first(text, _LONG_NUMBER, name)
            raise StoreError(f"{where}: a number too long to read; shorten it or quote it as a string") from None
        raise StoreError(f"{name}: cannot parse as TOML: {printable(str(e))}") from None
    except MemoryError:
        raise StoreError(f"{name}: too large to parse as TOML") from None


# Used only after the parser has failed, to say where.
_LONG_NUMBER = r"[0-9][0-9_]{999}"


def _first(text: str, pattern: str, name: str) -> str:
    import re

    m = re.search(pattern, text)
    if m is None:
        return name
    line, col = _place(text, m.start(), "\n")
    return f"{name}:{line}:{col}"


def validate(path: Path) -> tuple[Store, list[Problem]]:
    """Read, parse and build the store; return it with every problem found.

    The parse comes from the cache (timeline.cache) when it holds this exact file, and a fresh
    parse of a valid store is saved there for the next run.
    """
    from timeline.cache import Entry
    from timeline.store.schema import build

    name = _shown(path)
    entry = Entry(path)  # keyed on the file as it is before it is read
    text = read_text(path)
    data = entry.parsed(text)
    if data is not None:
        return build(data, name, text)
    data = parse_toml(text, name)
    store, problems = build(data, name, text)
    entry.save(text, data, store, problems)
    return store, problems


def load(path: Path) -> Store:
    """Load a store that must be valid; the first error (by line) is raised as a StoreError."""
    store, problems = validate(path)
    for problem in problems:
        if problem.severity == "error":
            raise StoreError(format_error(problem, _shown(path)))
    return store


def format_error(problem: Problem, name: str) -> str:
    """`events.toml:LINE: message`, the form load errors take on the command line."""
    where = f"{name}:{problem.line}" if problem.line else name
    return f"{where}: {problem.message}"
