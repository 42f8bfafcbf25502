"""Finding, reading and loading the store. All file reading lives here."""

from __future__ import annotations

import os
from pathlib import Path

from timeline.errors import StoreError
from timeline.model import Problem, Store

STORE_NAME = "events.toml"
ENV_VAR = "TIMELINE_FILE"


def find(explicit: str | None = None, *, cwd: Path | None = None) -> Path:
    """The store to use: --file, else $TIMELINE_FILE, else events.toml here or in a parent folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / STORE_NAME
        if candidate.is_file():
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
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{name}: no such file; create it with 'timeline init {name}' or check the path") from None
    except IsADirectoryError:
        raise StoreError(f"{name}: is a folder, not a store file; pass the .toml file itself") from None
    except PermissionError:
        raise StoreError(f"{name}: permission denied; check the file's permissions") from None
    except OSError as e:
        raise StoreError(f"{name}: cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise StoreError(f"{name}: the file is empty; start a store with 'timeline init' (after removing it) or add [[events]] tables")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise StoreError(f"{name}:{line}:{col}: not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8") from None


def parse_toml(text: str, name: str) -> dict:
    """Parse TOML text; a syntax error becomes a located StoreError."""
    import tomli

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as e:
        line, col = getattr(e, "lineno", None), getattr(e, "colno", None)
        msg = getattr(e, "msg", str(e))
        where = f"{name}:{line}:{col}" if line else name
        raise StoreError(f"{where}: TOML syntax error: {msg}; fix the file and try again") from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise StoreError(f"{name}: cannot parse as TOML ({type(e).__name__}); is it nested too deeply?") from None


def validate(path: Path) -> tuple[Store, list[Problem]]:
    """Read, parse and build the store; return it with every problem found."""
    from timeline.schema import build

    name = str(path)
    text = read_text(path)
    return build(parse_toml(text, name), name, text)


def load(path: Path) -> Store:
    """Load a store that must be valid; the first error (by line) is raised as a StoreError."""
    store, problems = validate(path)
    for problem in problems:
        if problem.severity == "error":
            raise StoreError(format_error(problem, str(path)))
    return store


def format_error(problem: Problem, name: str) -> str:
    """`events.toml:LINE: message`, the form load errors take on the command line."""
    where = f"{name}:{problem.line}" if problem.line else name
    return f"{where}: {problem.message}"
