"""The store: finding it, reading it, and loading it into the model with every problem located.

`load` is what commands call; `validate` returns the problems instead of raising on the first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import StoreError
from timeline.model import Problem, Store
from timeline.store.find import ENV_VAR, STORE_NAME, find
from timeline.store.read import decode, parse_toml, read_text, shown

if TYPE_CHECKING:
    from timeline.store.include import Files

__all__ = [
    "ENV_VAR",
    "STORE_NAME",
    "build",
    "decode",
    "find",
    "load",
    "parse_toml",
    "read_text",
    "shown",
    "valid",
    "validate",
    "validate_text",
]


def validate(path: Path) -> tuple[Store, list[Problem]]:
    """Read, parse and build the store, with the files it includes; return it with every problem
    found, sorted by file and line.

    A file that cannot be read or parsed at all raises StoreError. This is the full load;
    `timeline.cache` answers the same from its copy when it holds this exact file.
    """
    from timeline.store.include import Folder

    text = read_text(path)
    return validate_text(text, shown(path), Folder(path))


def validate_text(text: str, name: str, files: Files | None = None) -> tuple[Store, list[Problem]]:
    """The store and its problems from text already read; `name` is how messages name the file,
    `files` where the files it includes are found."""
    return build(parse_toml(text, name), name, text, files)


def build(data: dict[str, Any], name: str, text: str, files: Files | None = None) -> tuple[Store, list[Problem]]:
    """The store from its main file's parsed `data` (and `text`, for lines), with its includes."""
    from timeline.store import schema
    from timeline.store.include import build_all, patterns

    if patterns(data) is None:
        return schema.build(data, name, text)
    if files is None:
        raise StoreError(f"{name}: includes other files, which cannot be read from here; run the command on the file")
    return build_all((data, name, text), files, schema.build)


def load(path: Path) -> Store:
    """Load a store that must be valid; the first error (by line) is raised as a StoreError."""
    return valid(*validate(path))


def valid(store: Store, problems: list[Problem]) -> Store:
    """`store`, or a StoreError for the first of `problems` that is an error."""
    for problem in problems:
        if problem.severity == "error":
            raise StoreError(problem.brief(), problems=(problem,))
    return store
