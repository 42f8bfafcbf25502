"""A store kept in git: what changed between versions, the history of one fact, and merging.

    diff(path, "HEAD")                 what changed from the last commit to the working file
    diff(path, "v1", "v2")             between two revisions
    changed_ids(path, "HEAD~3")        the events added or changed since a revision (list --changed-since)
    log.history(path, "law-signed")    the commits that changed one event, actor or source
    merge.merge(base, ours, theirs)    three versions of the store text merged fact by fact

Facts are keyed by id, never by their place in the file, so they are followed through moves
(and, later, from one file of a store to another).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from timeline.history.compare import Change, FieldChange
from timeline.history.versions import Version

__all__ = ["Change", "Diff", "FieldChange", "Version", "changed_ids", "diff"]


@dataclass(frozen=True, slots=True)
class Diff:
    """Two versions of the store and the changes from the first to the second.

    Event changes come first, in timeline order (a removed event where it stood in the older
    version), then actors, then sources, each in store order.
    """

    old: Version
    new: Version
    changes: tuple[Change, ...]


def diff(path: Path, old: str | None = None, new: str | None = None) -> Diff:
    """The changes from revision `old` (default HEAD) to revision `new` (default: the working file)."""
    from timeline.history import git, versions
    from timeline.history.compare import compare

    r = git.repo(path)
    before = versions.at(r, "HEAD" if old is None else old)
    after = versions.at(r, new) if new is not None else versions.working(path, r.name)
    changes = compare(before.data, after.data)
    return Diff(before, after, tuple(_in_timeline_order(changes, before, after)))


def changed_ids(path: Path, since: str) -> tuple[frozenset[str], str]:
    """The ids of the events added or changed from revision `since` to the working file, and the revision's label."""
    d = diff(path, since)
    ids = frozenset(c.id for c in d.changes if c.kind == "event" and c.change != "removed")
    return ids, d.old.label


def _in_timeline_order(changes: list[Change], before: Version, after: Version) -> list[Change]:
    from timeline.query import order

    events = [c for c in changes if c.kind == "event"]
    placed = {id(before): order.place(before.store), id(after): order.place(after.store)}

    def key(c: Change) -> tuple:
        version = before if c.change == "removed" else after
        p, e = placed[id(version)], version.store.by_id[c.id]
        return (p.earliest[e.id], p.latest[e.id], p.depth.get(e.id, 0), e.index)

    return sorted(events, key=key) + [c for c in changes if c.kind != "event"]
