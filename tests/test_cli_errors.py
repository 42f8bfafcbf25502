"""The exit-status table every command follows, and errors that read the same whoever raised them."""

from __future__ import annotations

import pytest

from tests.test_cli import run
from timeline.cli.common import FileOpt

BROKEN = '[[events]]\nid = "a"\ndate = "2024-02-31"\ntitle = "A"\n'


@pytest.mark.parametrize(
    "args",
    [
        ("show", "nope"),  # an unknown id
        ("actors", "show", "nobody"),
        ("list", "after:nope"),
        ("list", "id:nope"),
        ("list", "--tag", "foriegn-agents-bill"),  # a value that names nothing in the store
        ("list", "--source", "tas"),
        ("list", "--type", "nosuch"),
        ("stats", "--tag", "nosuch"),
        ("list", "--since", "2024-02-10", "--until", "2024-02-05"),  # a backwards window
        ("list", "--format", "pdf"),
        ("list", "--output", "report.pdf"),
        ("show", "law-signed", "--format", "markdwn"),
        ("edit",),  # no terminal to edit on
        ("list", "--nosuch"),  # the framework's own errors
        ("list", "--limit", "x"),
        ("lst",),
        ("actors", "nosub"),
    ],
)
def test_a_wrong_command_line_exits_2_with_one_line(bundled, capsys, args):
    """Exit 2 when the command line is wrong: one line in our words, no usage block, no panel."""
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, ""), err
    assert err.startswith("timeline: error: ") and err.count("\n") == 1, err
    assert "Usage:" not in err and "Error:" not in err and "╭" not in err


def test_framework_errors_name_the_help_to_read(bundled, capsys):
    """'No such option' from the framework says where to read more, like our own errors do."""
    code, _, err = run(capsys, "list", "--nosuch")
    assert code == 2
    assert err.startswith("timeline: error: no such option: --nosuch")
    assert err.endswith("(see 'timeline list --help')\n")
    code, _, err = run(capsys, "stats", "--top", "-1")
    assert code == 2 and "'--top'" in err and "see 'timeline stats --help'" in err


@pytest.mark.parametrize("args", [("list",), ("show", "a"), ("stats",), ("tags",), ("check",)])
def test_a_store_with_a_problem_exits_1(tmp_path, capsys, args):
    """Exit 1 when the store itself has a problem, whatever the command."""
    (tmp_path / "events.toml").write_text(BROKEN, encoding="utf-8")
    code, _, err = run(capsys, *args)
    assert code == 1 and "events.toml" in err


def test_a_missing_store_exits_1(tmp_path, capsys):
    """No store to read is a store problem (1), not a usage error."""
    code, _, err = run(capsys, "list")
    assert code == 1 and err.startswith("timeline: error: ")


def test_a_bug_exits_70_with_one_inert_line(bundled, capsys, monkeypatch):
    """An unexpected exception is exit 70 and one line, its text cleaned of terminal control codes."""

    def broken(file: FileOpt = None) -> None:
        raise RuntimeError("tag \x1b]0;pwned\x07 \x1b[2J broke it\nsecond line")

    monkeypatch.setattr("timeline.cli.directory.tags", broken)
    code, _, err = run(capsys, "tags")
    assert code == 70
    assert err.startswith("timeline: internal error: RuntimeError: tag ") and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err


def test_ctrl_c_in_a_command_ends_the_line_and_exits_130(bundled, capsys, monkeypatch):
    """Ctrl-C while a command runs: a new line, one message, exit 130."""

    def interrupted(file: FileOpt = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("timeline.cli.directory.tags", interrupted)
    code, out, err = run(capsys, "tags")
    assert (code, out, err) == (130, "", "\ntimeline: interrupted\n")
