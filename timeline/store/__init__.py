"""The store: finding it, reading it, and loading it into the model with every problem located.

`load` is what commands call; `validate` returns the problems instead of raising on the first.
"""

from __future__ import annotations

from pathlib import Path

from timeline.errors import StoreError
from timeline.model import Problem, Store
from timeline.store.find import ENV_VAR, STORE_NAME, find
from timeline.store.read import decode, parse_toml, read_text, shown

__all__ = [
    "ENV_VAR",
    "STORE_NAME",
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
    """Read, parse and build the store; return it with every problem found, sorted by line.

    A file that cannot be read or parsed at all raises StoreError. This is the full load;
    `timeline.cache` answers the same from its copy when it holds this exact file.
    """
    text = read_text(path)
    return validate_text(text, shown(path))


def validate_text(text: str, name: str) -> tuple[Store, list[Problem]]:
    """The store and its problems from text already read; `name` is how messages name the file."""
    from timeline.store.schema import build

    return build(parse_toml(text, name), name, text)


def load(path: Path) -> Store:
    """Load a store that must be valid; the first error (by line) is raised as a StoreError."""
    return valid(*validate(path))


def valid(store: Store, problems: list[Problem]) -> Store:
    """`store`, or a StoreError for the first of `problems` that is an error."""
    for problem in problems:
        if problem.severity == "error":
            raise StoreError(problem.brief(), problems=(problem,))
    return store
