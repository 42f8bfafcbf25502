"""The store as it was at a commit, or as it is in the working file, loaded and validated.

A version that does not load is a StoreError located in that version: `events.toml@abc1234:12: …`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.errors import StoreError
from timeline.history import git
from timeline.model import Store


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the store: what to call it, the commit (None: the working file), its data and model."""

    label: str
    commit: str | None
    data: dict[str, Any]
    store: Store


def load(text: str, name: str) -> tuple[dict[str, Any], Store]:
    """Parsed data and the validated store from store text; the first error is a StoreError naming `name`."""
    # validate_text's two steps, kept apart because comparing facts needs the parsed tables too.
    from timeline.store import parse_toml, valid
    from timeline.store.schema import build

    data = parse_toml(text, name)
    return data, valid(*build(data, name, text))


def working(path: Path, name: str) -> Version:
    """The working file."""
    from timeline.store import read_text

    data, store = load(read_text(path), name)
    return Version("the working file", None, data, store)


def at(r: git.Repo, rev: str) -> Version:
    """The store at revision `rev`, following a rename of the store since then."""
    from timeline.store import decode

    sha = git.commit(r, rev)
    label = sha[:7] if sha.startswith(rev) else f"{rev} ({sha[:7]})"
    name = f"{r.name}@{sha[:7]}"
    raw = git.show(r, sha, r.path)
    if raw is None:
        old_path = git.renamed_from(r, sha)
        raw = git.show(r, sha, old_path) if old_path else None
    if raw is None:
        raise StoreError(
            f"{name}: the store is not in commit {label}; give a revision after it was first committed "
            f"('git log --oneline -- {shlex.quote(r.path)}' lists them)"
        )
    data, store = load(decode(raw, name), name)
    return Version(label, sha, data, store)
