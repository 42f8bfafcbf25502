"""The README's examples run: each console block's commands print what the README shows, and its
Python examples pass as doctests.

A console block runs in a fresh folder holding a copy of the bundled store and the `examples/`
folder, unless an HTML comment just above it says otherwise:

    <!-- readme-test: continue -->      the folder of the block before (a session that goes on)
    <!-- readme-test: empty -->         a folder without the store
    <!-- readme-test: session NAME -->  one folder for every block of that name, without the store at
                                        first (a session the README tells in several blocks)
    <!-- readme-test: skip REASON -->   not run (say why: e.g. it shows a store broken on purpose)

In the shown output a line holding only "…" (indented or not) stands for any number of lines.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
_FENCE = re.compile(r"^```console\n(.*?)^```\n", re.M | re.S)
_DIRECTIVE = re.compile(r"<!-- readme-test: (continue|empty|session|skip)\b ?(.*?) -->\s*$")


@dataclass
class Block:
    line: int
    mode: str  # "fresh", "continue", "empty", "session" or "skip"
    reason: str  # why it is skipped, or the session's name
    steps: list[tuple[str, list[str]]]  # (command, expected output lines)


def blocks(text: str) -> list[Block]:
    """The console blocks of the README, with their commands and shown output."""
    out = []
    for m in _FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        directive = _DIRECTIVE.search(before)
        mode, reason = (directive.group(1), directive.group(2)) if directive else ("fresh", "")
        steps: list[tuple[str, list[str]]] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        out.append(Block(text.count("\n", 0, m.start()) + 1, mode, reason, steps))
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Do the actual lines fit the shown ones, where a lone '…' stands for any lines?"""
    if not expected:
        return not actual
    if expected[0].strip() == "…":
        return any(matches(expected[1:], actual[n:]) for n in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def _environment(home: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL", "TMPDIR")}
    return keep | {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as a terminal shows them
        "XDG_CACHE_HOME": str(home / "cache"),
        "SOURCE_DATE_EPOCH": "1700000000",
    }


def _fresh(folder: Path, *, empty: bool) -> None:
    folder.mkdir(parents=True)
    if not empty:
        shutil.copy(ROOT / "events.toml", folder / "events.toml")
    if (ROOT / "examples").is_dir():
        shutil.copytree(ROOT / "examples", folder / "examples")


ALL = blocks(README.read_text(encoding="utf-8"))
# The folder each block ran in, so that a 'continue' block goes on where the one before stopped.
_FOLDERS: dict[int, Path] = {}


def test_the_readme_has_examples_and_most_of_them_run():
    """The parser finds the console blocks, and skipped ones say why."""
    assert len(ALL) > 10
    assert all(b.reason for b in ALL if b.mode in ("skip", "session"))
    assert sum(b.mode != "skip" for b in ALL) > len(ALL) // 2


@pytest.mark.parametrize("block", ALL, ids=[f"README.md:{b.line}" for b in ALL])
def test_console_block_prints_what_the_readme_shows(block, tmp_path_factory):
    """Each command of the block prints exactly the lines shown under it ('…' skips lines)."""
    if block.mode == "skip":
        pytest.skip(block.reason)
    if "jq " in " ".join(cmd for cmd, _ in block.steps) and shutil.which("jq") is None:
        pytest.skip("jq is not installed (CI installs it)")
    state = tmp_path_factory.getbasetemp() / "readme"
    if block.mode == "continue":
        earlier = [line for line in _FOLDERS if line < block.line]
        assert earlier, f"README.md:{block.line}: 'continue' needs a block run before it"
        folder = _FOLDERS[max(earlier)]
    elif block.mode == "session":
        folder = state / f"session-{block.reason}"
        if not folder.exists():
            _fresh(folder, empty=True)
    else:
        folder = state / f"block-{block.line}"
        _fresh(folder, empty=block.mode == "empty")
    _FOLDERS[block.line] = folder
    for command, expected in block.steps:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=folder,
            env=_environment(state),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=60,
        )
        actual = [line.rstrip() for line in done.stdout.splitlines()]
        assert matches([line.rstrip() for line in expected], actual), (
            f"README.md:{block.line}: `{command}` printed:\n" + "\n".join(actual)
        )


def test_python_examples_pass_as_doctests(tmp_path, monkeypatch):
    """The README's `>>>` examples run against the bundled store and print what they show."""
    shutil.copy(ROOT / "events.toml", tmp_path / "events.toml")
    monkeypatch.chdir(tmp_path)
    # The Python blocks alone, each ended by a blank line (a fence would read as expected output).
    text = README.read_text(encoding="utf-8")
    source = "\n".join(m.group(1) + "\n" for m in re.finditer(r"^```python\n(.*?)^```\n", text, re.M | re.S))
    test = doctest.DocTestParser().get_doctest(source, {}, "README.md", str(README), 0)
    if not test.examples:
        pytest.fail("the README has no Python examples")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README doctest example(s) failed; run pytest -s to see them"


def test_matching_treats_an_ellipsis_line_as_any_lines():
    """The comparison itself: '…' skips any lines, everything else must be equal."""
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "…"], ["a"])
    assert not matches(["a", "…", "d"], ["a", "b"])
    assert not matches(["a"], ["a", "b"])
