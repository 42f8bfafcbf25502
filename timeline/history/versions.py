"""The store as it was at a commit, or as it is in the working file, loaded and validated.

A version that does not load is a StoreError located in that version: `events.toml@abc1234:12: …`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import StoreError
from timeline.history import git
from timeline.model import Store

if TYPE_CHECKING:
    from timeline.store.include import Files


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the store: what to call it, the commit (None: the working file), its data and model."""

    label: str
    commit: str | None
    data: dict[str, Any]
    store: Store


def load(text: str, name: str, files: Files | None = None) -> tuple[dict[str, Any], Store]:
    """Parsed data and the validated store from store text (and the files it includes, through
    `files`); the first error is a StoreError naming `name`, or the included file that has it.
    A store in several files comes back as one table of all its files' facts."""
    # validate_text's two steps, kept apart because comparing facts needs the parsed tables too.
    from timeline.store import build, parse_toml, valid
    from timeline.store.include import merged

    data = parse_toml(text, name)
    store = valid(*build(data, name, text, files))
    return (merged(data, store.files, files) if store.files and files is not None else data), store


def working(path: Path, name: str) -> Version:
    """The working file."""
    from timeline.store import read_text
    from timeline.store.include import Folder

    data, store = load(read_text(path), name, Folder(path))
    return Version("the working file", None, data, store)


class AtCommit:
    """The files around the store as commit `sha` has them (`timeline.store.include.Files`)."""

    def __init__(self, r: git.Repo, sha: str, main: str) -> None:
        self.r, self.sha, self.main = r, sha, main
        self.folder = main.rpartition("/")[0]
        self._links: set[str] | None = None  # the paths (from the top) that are symbolic links
        self._names: list[str] | None = None

    @property
    def own(self) -> str:
        return self.main.rpartition("/")[2]

    def _list(self) -> list[str]:
        """Every file under the store's folder in the commit (one `git ls-tree` for them all)."""
        if self._names is None:
            where = ["--", self.folder] if self.folder else []
            out = git.run(["ls-tree", "-r", "-z", self.sha, *where], cwd=self.r.root)
            cut = len(self.folder) + 1 if self.folder else 0
            self._names, self._links = [], set()
            for entry in out.split(b"\0"):
                if not entry:
                    continue
                meta, _, raw = entry.partition(b"\t")
                path = raw.decode("utf-8", "surrogateescape")
                self._names.append(path[cut:])
                if meta.startswith(b"120000 "):
                    self._links.add(path)
        return self._names

    def match(self, pattern: str) -> list[str]:
        import posixpath

        from timeline.store.include import glob_pattern

        rule = glob_pattern(posixpath.normpath(pattern))
        return sorted(n for n in self._list() if rule.match(n) and n != self.own)

    def read(self, rel: str) -> tuple[str, str]:
        from timeline.store import decode

        path = f"{self.folder}/{rel}" if self.folder else rel
        name = f"{rel}@{self.sha[:7]}"
        raw = git.show(self.r, self.sha, self._followed(path, name))
        if raw is None:
            raise StoreError(f"{name}: included, but not a file in that commit")
        return (decode(raw, name) if raw else ""), name

    def _followed(self, path: str, name: str) -> str:
        """`path`, or where the symbolic links git stored there lead within the repository."""
        import posixpath

        self._list()
        assert self._links is not None
        for _ in range(8):
            if path not in self._links and (path.startswith(f"{self.folder}/") or not self.folder):
                return path
            if path not in self._links:  # outside the store's folder: ask git about this path alone
                entry = git.run(["ls-tree", "-z", self.sha, "--", path], cwd=self.r.root).split(b"\0")[0]
                if not entry.startswith(b"120000 "):
                    return path
            target = (git.show(self.r, self.sha, path) or b"").decode("utf-8", "surrogateescape")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if path.startswith("../") or path == ".." or posixpath.isabs(path):
                raise StoreError(f"{name}: a link out of the repository, which its history does not hold")
        raise StoreError(f"{name}: links that lead to links that lead on; give the file itself")


def at(r: git.Repo, rev: str) -> Version:
    """The store at revision `rev`, following a rename of the store since then."""
    from timeline.store import decode

    sha = git.commit(r, rev)
    label = sha[:7] if sha.startswith(rev) else f"{rev} ({sha[:7]})"
    name = f"{r.name}@{sha[:7]}"
    path: str | None = r.path
    raw = git.show(r, sha, r.path)
    if raw is None:
        path = git.renamed_from(r, sha)
        raw = git.show(r, sha, path) if path else None
    if raw is None:
        raise StoreError(
            f"{name}: the store is not in commit {label}; give a revision after it was first committed "
            f"('git log --oneline -- {shlex.quote(r.path)}' lists them)"
        )
    data, store = load(decode(raw, name), name, AtCommit(r, sha, path or r.path))
    return Version(label, sha, data, store)
