"""A real git repository in the test's folder, isolated from the user's git configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

STORE = """\
# A small store for history tests.
[store]
title = "Test store"

[actors.ann]
name = "Ann Example"

[sources.wire]
name = "Wire"

[sources.paper]
name = "Paper"

[[events]]
id = "letter"
date = "2024-01-10"
title = "A letter is sent"
sources = ["wire"]

[[events]]
id = "meeting"
date = "2024-02-11"
title = "A meeting"
actors = ["ann"]
sources = ["wire"]
"""


class Repo:
    """A git work tree with helpers to write the store and commit it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = root / "events.toml"

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run git in the work tree."""
        return subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=check)

    def write(self, text: str, name: str = "events.toml") -> None:
        (self.root / name).write_text(text, encoding="utf-8")

    def edit(self, old: str, new: str, name: str = "events.toml") -> None:
        """Replace the one occurrence of `old` in the file."""
        text = (self.root / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        self.write(text.replace(old, new), name)

    def commit(self, message: str, *, author: str = "Ann Example <ann@example.org>") -> str:
        """Commit everything; return the commit id."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, f"--author={author}")
        return self.git("rev-parse", "HEAD").stdout.strip()


def make_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A repository on branch main in the test's folder, with the store committed once (for a `repo` fixture)."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    # git runs the merge driver as `timeline …`: the one installed beside this interpreter.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    root = tmp_path / "work"
    root.mkdir()
    monkeypatch.chdir(root)
    r = Repo(root)
    r.git("init", "-q")
    r.write(STORE)
    r.commit("Start the store")
    return r
