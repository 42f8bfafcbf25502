"""Reading a store's history through the `git` command.

The `git` command rather than a library: it is already there wherever a store is kept in git,
it honours the repository's own configuration and GIT_* environment exactly as the user's
other git commands do, and the few questions asked here (which commits touched a file, what
a file held at a commit) are each one plumbing call. Arguments are always a list (no shell),
paths come after `--`, names are read NUL-separated, and a revision is resolved to a commit id
before it is used, so text from the command line is never taken for an option.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import StoreError, TimelineError, UsageError
from timeline.text import printable, short

# Options that make output the same whatever the user's configuration: no colour, no signature
# checks mixed into log output, no optional index refresh (which would take the index lock).
_STEADY = ("-c", "color.ui=never", "-c", "log.showSignature=false", "--no-optional-locks")


@dataclass(frozen=True, slots=True)
class Repo:
    """A git work tree and the path of one store in it, relative to the top, with '/' separators."""

    root: Path
    path: str
    name: str  # the store as messages name it


class GitError(TimelineError):
    """git refused; the message is its own first line of complaint."""


def run(args: Sequence[str], *, cwd: Path, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    """Run `git ARGS` in `cwd` and return its stdout; a failure is a TimelineError quoting git."""
    try:
        proc = subprocess.run(
            ["git", *_STEADY, *args], cwd=cwd, input=stdin, capture_output=True, check=False, env=_env()
        )
    except FileNotFoundError:
        raise TimelineError("git is not installed (or not on PATH); install git to read the store's history") from None
    except OSError as e:
        raise TimelineError(f"cannot run git: {e.strerror or e}") from None
    if proc.returncode not in ok:
        raise GitError(_first_line(proc.stderr) or f"git {args[0]} failed with status {proc.returncode}")
    return proc.stdout


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Never wait for a password or an editor: these commands only read.
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.pop("GIT_EDITOR", None)
    return env


def _first_line(err: bytes) -> str:
    lines = [x for x in err.decode("utf-8", "replace").splitlines() if x.strip()]
    return printable(lines[0].removeprefix("fatal: ").removeprefix("error: ")) if lines else ""


def repo(store: Path) -> Repo:
    """The repository holding the store (the file a symlink points to), or a StoreError saying how to start one."""
    name = printable(str(store))
    real = Path(os.path.realpath(store))
    folder = real.parent
    if not real.exists():
        raise StoreError(f"{name}: no such file; create it with 'timeline init {name}' or check the path")
    if not real.is_file():
        raise StoreError(f"{name}: not a regular file, so git keeps no history of it; pass the .toml store itself")
    try:
        top = run(["rev-parse", "--show-toplevel"], cwd=folder).decode("utf-8", "surrogateescape").rstrip("\n")
    except GitError:
        raise StoreError(
            f"{name}: not in a git repository, so it has no history to read; "
            f"start one with 'git init' and commit the store (or run 'timeline init --git {name}')"
        ) from None
    root = Path(os.path.realpath(top))
    try:
        rel = real.relative_to(root)
    except ValueError:
        raise StoreError(
            f"{name}: outside the work tree of {printable(str(root))}; run timeline where the store is kept"
        ) from None
    return Repo(root, rel.as_posix(), name)


def commit(r: Repo, rev: str) -> str:
    """The commit id `rev` names; a UsageError for a revision git does not know, or one that looks like an option."""
    check_revision(rev)
    try:
        out = run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd=r.root)
    except GitError:
        out = b""
    sha = out.decode("ascii", "replace").strip()
    if not sha and not has_commits(r):
        raise no_commits(r)
    if not sha:
        raise UsageError(
            f"unknown revision '{short(rev)}'; give a commit, branch or tag (e.g. HEAD~1, main, v1.0); "
            "'git log --oneline' lists commits"
        )
    return sha


def has_commits(r: Repo) -> bool:
    """Does the repository have a commit yet?"""
    return bool(run(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=r.root, ok=(0, 1)).strip())


def no_commits(r: Repo) -> StoreError:
    """The error for a repository with no commits: there is no history yet."""
    return StoreError(
        f"{r.name}: the repository has no commits yet, so the store has no history; "
        f"commit it first ('git add {shlex.quote(r.path)} && git commit')"
    )


def check_revision(rev: str) -> None:
    """Refuse a revision that git could read as an option, or that is not one line of text."""
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise UsageError(
            f"revision '{short(rev)}': a revision is a commit, branch or tag name and cannot start with '-'"
        )


def show(r: Repo, sha: str, path: str) -> bytes | None:
    """The bytes of `path` at commit `sha`; None when the commit has no such file."""
    kind = run(["cat-file", "-t", f"{sha}:{path}"], cwd=r.root, ok=(0, 128)).strip()
    if kind != b"blob":
        return None
    return run(["cat-file", "blob", f"{sha}:{path}"], cwd=r.root)


def renamed_from(r: Repo, sha: str, to: str = "HEAD") -> str | None:
    """The path the store had at `sha`, when it has been renamed since (git's rename detection), else None."""
    out = run(["diff", "-z", "--name-status", "-M", "--diff-filter=R", sha, to, "--"], cwd=r.root)
    fields = out.split(b"\0")
    for n in range(0, len(fields) - 2, 3):
        if fields[n].startswith(b"R") and os.fsdecode(fields[n + 2]) == r.path:
            return os.fsdecode(fields[n + 1])
    return None


class Batch:
    """One `git cat-file --batch` process answering for blobs by id, one at a time, as they are needed."""

    def __init__(self, r: Repo) -> None:
        self._r = r
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()

    def read(self, sha: str) -> bytes:
        """The blob's bytes; a TimelineError when git does not have it."""
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    ["git", *_STEADY, "cat-file", "--batch"],
                    cwd=self._r.root,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_env(),
                )
            except OSError as e:
                raise TimelineError(f"cannot run git: {e.strerror or e}") from None
        assert self._proc.stdin is not None and self._proc.stdout is not None
        # Requests are object ids (hex), never paths, so no name can break the line protocol.
        self._proc.stdin.write(f"{sha}\n".encode("ascii"))
        self._proc.stdin.flush()
        head = self._proc.stdout.readline().split()
        if len(head) < 3:
            raise TimelineError(f"git cannot read object {sha[:12]}; is the repository damaged? ('git fsck' checks)")
        data = self._proc.stdout.read(int(head[2]))
        self._proc.stdout.read(1)  # the newline after the contents
        return data
