"""Finding the store: --file, else $TIMELINE_FILE, else events.toml here or in the nearest parent."""

from __future__ import annotations

import os
from pathlib import Path

from timeline.errors import StoreError, UsageError

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
