"""`timeline log ID`: the commits that changed one event, actor or source, field by field.

Three git calls whatever the length of the history: where the store is, one `git log --raw`
listing every commit that touched the store (following renames) with the file's blob before
and after, and one `git cat-file --batch` that serves the blobs. A commit whose text around the
fact is byte for byte the same before and after is passed over without parsing; only commits
that may have changed the fact are parsed and compared field by field. Facts are found by id,
so an event moved within the file is followed, and a move alone is not a change.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.errors import StoreError, TimelineError
from timeline.history import git
from timeline.history.compare import KINDS, FieldChange, fields, find
from timeline.text import did_you_mean, printable

_NULL = "0" * 40
_FORMAT = "%H%x00%P%x00%aN%x00%aE%x00%aI%x00%B"


@dataclass(frozen=True, slots=True)
class Revision:
    """A commit that changed the fact: who, when, why, and what (`change` is added, removed or changed)."""

    commit: str
    date: str  # the author date, ISO 8601
    author: str
    email: str
    message: str
    change: str
    changes: tuple[FieldChange, ...]
    path: str  # the store's path in this commit
    error: str | None = None  # the store did not parse at this commit or its parent; what the parser said


@dataclass(frozen=True, slots=True)
class History:
    """The fact's kind ("event", "actor" or "source"), its id, and the commits that changed it, newest first."""

    kind: str
    id: str
    path: str
    revisions: tuple[Revision, ...]


@dataclass(slots=True)
class _Commit:
    sha: str
    parents: list[str]
    author: str
    email: str
    date: str
    message: str
    # (blob before, blob after, path after) once per parent diff that touched the store
    pairs: list[tuple[str, str, str]]


def history(path: Path, ident: str) -> History:
    """The commits that changed fact `ident` in the store at `path`, newest first (see the module's note)."""
    r = git.repo(path)
    if not git.has_commits(r):
        raise git.no_commits(r)
    included = _included_now(path)
    if included is not None:
        return _across_files(r, path, ident, included)
    commits = list(_commits(r))
    with _Blobs(r) as blobs:
        table = _kind_now(path, ident) or _kind_then(commits, blobs, ident)
        if table is None:
            raise TimelineError(_unknown(path, ident, r))
        revisions = [rev for c in commits if (rev := _revision(c, blobs, table, ident, r.name)) is not None]
    return History(KINDS[table], ident, r.path, tuple(revisions))


def _commits(r: git.Repo) -> Iterator[_Commit]:
    """Every commit that touched the store, newest first, with one blob pair per parent it differs from."""
    out = git.run(
        ["log", "--follow", "-m", "--raw", "--no-abbrev", "-z", "--no-color", f"--format={_FORMAT}", "--", r.path],
        cwd=r.root,
    )
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    i, current = 0, None
    while i < len(tokens):
        token = tokens[i].strip("\n")
        if not token:
            i += 1
            continue
        if token.startswith(":") and current is not None:
            meta = token[1:].split()
            status = meta[4] if len(meta) > 4 else "M"
            n = 2 if status[:1] in "RC" else 1
            after = tokens[i + n] if i + n < len(tokens) else r.path
            current.pairs.append((meta[2], meta[3], after))
            i += 1 + n
            continue
        sha, parents, author, email, when, message = (tokens[i : i + 6] + [""] * 6)[:6]
        sha = sha.strip("\n")
        i += 6
        if current is not None and current.sha == sha:
            continue  # the same merge again, against its next parent
        if current is not None:
            yield current
        current = _Commit(sha, parents.split(), author, email, when, message.strip("\n"), [])
    if current is not None:
        yield current


def _revision(c: _Commit, blobs: _Blobs, table: str, ident: str, name: str) -> Revision | None:
    if not c.pairs or len(c.pairs) < len(c.parents):
        return None  # a merge that took the store as one parent had it: nothing new in it
    after = c.pairs[0][1]
    befores = [before for before, _, _ in c.pairs]
    now = blobs.region(after, table, ident)
    if now is not _UNSURE and any(blobs.region(b, table, ident) == now for b in befores):
        return None
    try:
        new = blobs.fact(after, table, ident, f"{name}@{c.sha[:7]}")
        olds = [
            blobs.fact(b, table, ident, f"{name}@{p[:7]}") for b, p in zip(befores, c.parents or [""], strict=False)
        ]
    except StoreError as e:
        return Revision(c.sha, c.date, c.author, c.email, c.message, "unreadable", (), c.pairs[0][2], e.message)
    if any(old == new for old in olds):
        return None
    old = olds[0]
    changed = fields(old, new)
    if len(olds) > 1:  # a merge: only what differs from every parent is the merge's own doing
        changed = tuple(f for f in changed if all((o or {}).get(f.field) != f.new for o in olds))
        if not changed:
            return None
    kind = "added" if old is None else "removed" if new is None else "changed"
    return Revision(c.sha, c.date, c.author, c.email, c.message, kind, changed, c.pairs[0][2])


_UNSURE = object()


class _Blobs:
    """Blobs read through one git.Batch as they are needed; the texts of the latest few are kept."""

    KEEP = 8

    def __init__(self, r: git.Repo) -> None:
        self._batch = git.Batch(r)
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._regions: dict[tuple[str, str, str], Any] = {}
        self._facts: dict[tuple[str, str, str], Any] = {}

    def __enter__(self) -> _Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self._batch.__exit__(*exc)

    def text(self, sha: str) -> str | None:
        """The blob's text; None for the empty side of an added or deleted file."""
        if sha == _NULL:
            return None
        if sha in self._texts:
            self._texts.move_to_end(sha)
            return self._texts[sha]
        text = self._batch.read(sha).decode("utf-8", "replace").removeprefix("\ufeff")
        self._texts[sha] = text
        if len(self._texts) > self.KEEP:
            self._texts.popitem(last=False)
        return text

    def region(self, sha: str, table: str, ident: str) -> Any:
        """The fact's text in the blob, None when it is certainly absent, _UNSURE when a parse must decide."""
        key = (sha, table, ident)
        if key not in self._regions:
            text = self.text(sha)
            self._regions[key] = None if text is None else region(text, table, ident)
        return self._regions[key]

    def fact(self, sha: str, table: str, ident: str, name: str) -> dict[str, Any] | None:
        """The fact's table in the blob, None when absent; a StoreError when the blob does not parse."""
        key = (sha, table, ident)
        if key not in self._facts:
            self._facts[key] = self._fact(sha, table, ident, name)
        found = self._facts[key]
        if isinstance(found, StoreError):
            raise found
        return found

    def _fact(self, sha: str, table: str, ident: str, name: str) -> dict[str, Any] | None | StoreError:
        from timeline.store import parse_toml

        text = self.text(sha)
        if text is None:
            return None
        alone = self.region(sha, table, ident)
        if isinstance(alone, str):
            # The fact's own block parses alone: far cheaper than the whole store, and the same table.
            try:
                found = find(parse_toml(alone, name), table, ident)
            except StoreError:
                found = None
            if found is not None:
                return found
        try:
            return find(parse_toml(text, name), table, ident)
        except StoreError as e:
            return e


def region(text: str, table: str, ident: str) -> Any:
    """The text of fact `ident`'s table when it can be told without parsing; None when absent; else _UNSURE.

    Only used to pass over commits cheaply: two equal regions mean an unchanged fact. The line
    that names the fact must be found exactly once, and the region hold no multi-line string
    (whose lines could look like headers). Literal searches first: this runs on every commit.
    """
    if ident not in text:
        # An id could hide behind a \\u escape; then only a parse can tell.
        return _UNSURE if "\\u" in text or "\\U" in text else None
    q = re.escape(ident)
    if table == "events":
        line = re.compile(rf"""[ \t]*id[ \t]*=[ \t]*(["']){q}\1[ \t]*(?:#[^\n]*)?$""", re.M)
        sub = r"\[?[ \t]*events[ \t]*\."
    else:
        line = re.compile(rf"""[ \t]*\[[ \t]*{table}[ \t]*\.[ \t]*(["']?){q}\1[ \t]*\][ \t]*(?:#[^\n]*)?$""", re.M)
        sub = rf"""\[?[ \t]*{table}[ \t]*\.[ \t]*(["']?){q}\1[ \t]*\."""
    starts = list(_lines_with(text, ident, line))
    if len(starts) != 1:
        return _UNSURE
    at, after = starts[0]
    if table == "events":
        begin = text.rfind("[[events]]", 0, at)
        if begin < 0 or not _EVENTS.match(text, text.rfind("\n", 0, begin) + 1):
            return _UNSURE
        begin = text.rfind("\n", 0, begin) + 1
        if _HEADER.search(text, text.find("\n", begin) + 1, at):
            return _UNSURE  # the id belongs to a sub-table, not to the event
    else:
        begin = at
    end = re.compile(rf"^[ \t]*\[(?!{sub})", re.M).search(text, after)
    found = text[begin : end.start() if end else len(text)]
    return _UNSURE if '"""' in found or "'''" in found else found.rstrip()


def _lines_with(text: str, ident: str, line: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each line that mentions `ident` and matches `line` from its start."""
    pos = text.find(ident)
    while pos >= 0:
        start = text.rfind("\n", 0, pos) + 1
        m = line.match(text, start)
        if m is not None:
            yield start, m.end()
        nl = text.find("\n", pos)
        pos = text.find(ident, nl) if nl >= 0 else -1


_EVENTS = re.compile(r"[ \t]*\[\[[ \t]*events[ \t]*\]\]")
_HEADER = re.compile(r"^[ \t]*\[", re.M)


def _included_now(path: Path) -> list[str] | None:
    """The files (relative to the top of the work tree) the working store includes; None for one file."""
    from timeline.store import parse_toml, read_text
    from timeline.store.include import Folder, patterns

    try:
        data = parse_toml(read_text(path), printable(str(path)))
    except StoreError:
        return None
    found = patterns(data)
    if found is None:
        return None
    folder = Folder(path)
    return sorted({rel for p in found if isinstance(p, str) for rel in folder.match(p)})


def _across_files(r: git.Repo, path: Path, ident: str, included: list[str]) -> History:
    """`history` for a store in several files: each commit that touched any of them is compared as
    the whole store (every file's facts) before and after it, so a fact moved between files is
    followed and a move alone is not a change. Files the store no longer includes are not read."""
    folder = r.path.rpartition("/")[0]
    # Every commit that touched a TOML file in the store's folder: an included file may have had
    # another name then, or not be included any more.
    toml = f":(glob){folder}/**/*.toml" if folder else ":(glob)**/*.toml"
    out = git.run(["log", "-m", "--first-parent", "-z", "--no-color", f"--format={_FORMAT}", "--", toml], cwd=r.root)
    records = out.decode("utf-8", "surrogateescape").split("\0")
    stores: dict[str, Any] = {}
    table: str | None = None
    revisions = []
    for n in range(0, len(records) - 5, 6):
        sha, parents, author, email, when, message = (x.strip("\n") for x in records[n : n + 6])
        new = _whole(r, sha, stores)
        old = _whole(r, parents.split()[0], stores) if parents else {}
        broken = next((v for v in (new, old) if isinstance(v, StoreError)), None)
        if broken is not None:
            error = broken.message
            revisions.append(Revision(sha, when, author, email, message, "unreadable", (), r.path, error))
            continue
        table = table or next((t for t in KINDS if find(new, t, ident) or find(old, t, ident)), None)
        if table is None:
            continue
        before, after = find(old, table, ident), find(new, table, ident)
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        revisions.append(Revision(sha, when, author, email, message, kind, fields(before, after), r.path))
    if table is None:
        table = _kind_in_working_store(path, ident)
    if table is None:
        raise TimelineError(_unknown(path, ident, r))
    return History(KINDS[table], ident, r.path, tuple(revisions))


def _kind_in_working_store(path: Path, ident: str) -> str | None:
    """Which kind of fact `ident` is in the working files of a store in several files (a fact not
    committed yet has no history, but it exists)."""
    from timeline.history import versions

    try:
        data = versions.working(path, printable(str(path))).data
    except StoreError:
        return None
    return next((t for t in KINDS if find(data, t, ident) is not None), None)


def _whole(r: git.Repo, sha: str, seen: dict[str, Any]) -> Any:
    """Every file's facts of the store at commit `sha` as one table ({} where the store is absent);
    a StoreError when a file does not parse."""
    from timeline.history.versions import AtCommit
    from timeline.store import decode, parse_toml
    from timeline.store.include import merged, patterns

    if sha not in seen:
        name = f"{r.name}@{sha[:7]}"
        raw = git.show(r, sha, r.path)
        try:
            data = {} if raw is None else parse_toml(decode(raw, name), name)
            files = AtCommit(r, sha, r.path)
            rels = sorted({rel for p in patterns(data) or [] if isinstance(p, str) for rel in files.match(p)})
            seen[sha] = merged(data, rels, files) if rels else data
        except StoreError as e:
            seen[sha] = e
    return seen[sha]


def _kind_now(path: Path, ident: str) -> str | None:
    """Which kind of fact `ident` is in the working file (events first), if it parses and has it."""
    from timeline.store import parse_toml, read_text

    try:
        data = parse_toml(read_text(path), printable(str(path)))
    except StoreError:
        return None
    return next((t for t in KINDS if find(data, t, ident) is not None), None)


def _kind_then(commits: list[_Commit], blobs: _Blobs, ident: str) -> str | None:
    """Which kind of fact `ident` was in the newest version of the store that had it (a fact since removed)."""
    from timeline.store import parse_toml

    for c in commits:
        for _, after, _ in c.pairs[:1]:
            text = blobs.text(after)
            if text is None or (ident not in text and "\\u" not in text):
                continue
            try:
                data = parse_toml(text, "")
            except StoreError:
                continue
            found = next((t for t in KINDS if find(data, t, ident) is not None), None)
            if found:
                return found
    return None


def _unknown(path: Path, ident: str, r: git.Repo) -> str:
    from timeline.store import parse_toml, read_text

    known: list[str] = []
    try:
        data = parse_toml(read_text(path), r.name)
        known = [e["id"] for e in data.get("events", []) if isinstance(e, dict) and isinstance(e.get("id"), str)]
        known += [k for t in ("actors", "sources") if isinstance(data.get(t), dict) for k in data[t]]
    except StoreError:
        pass
    hint = (
        did_you_mean(ident, known, cutoff=0.5)
        or "see 'timeline list', 'timeline actors' and 'timeline sources' for ids"
    )
    return f"{r.name}: no event, actor or source '{ident}', now or in its git history; {hint}"
