"""The README's write flow, run as written: every command it shows prints what it shows, with the shipped files."""

from __future__ import annotations

import re
import shlex
import shutil

from tests.conftest import ROOT
from tests.test_cli import run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(start: str, stop: str) -> str:
    """The README text from the heading `start` up to the heading `stop`."""
    return README[README.index(start) : README.index(stop)]


def sessions(text: str) -> list[tuple[list[str], str]]:
    """(argv, expected output) for each `$ timeline …` line of the console blocks in `text`."""
    out: list[tuple[list[str], str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, shown = chunk.partition("\n")
            argv = shlex.split(command)
            assert argv[0] == "timeline", command
            out.append((argv[1:], shown))
    return out


def test_the_write_flow_prints_what_the_readme_shows(tmp_path, capsys):
    """From 'Writing to the store' to 'timeline edit', each command in order gives the output shown."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    steps = sessions(section("## Writing to the store", "### `timeline edit`"))
    assert len(steps) >= 10 and any("examples/more.csv" in argv for argv, _ in steps)
    for argv, shown in steps:
        _, out, err = run(capsys, *argv)
        assert out + err == shown, " ".join(argv)


def test_every_file_a_readme_command_names_is_shipped():
    """A path like examples/more.csv in a README command exists in the repository."""
    named = set(re.findall(r"\$ timeline [^\n]*?\b(examples/[\w./-]+)", README))
    assert named, "the README names no example file"
    for path in named:
        assert (ROOT / path).is_file(), path
