"""Every command teaches: it has help text, and --help works without a store."""

from __future__ import annotations

import typer

from tests.test_cli import run
from timeline.cli import app


def _commands(group, path=()):
    for name, cmd in group.commands.items():
        yield (*path, name), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*path, name))


def test_every_command_has_help(tmp_path, capsys):
    """Each command and subcommand answers --help with exit 0 and a description, even with no store."""
    root = typer.main.get_command(app)
    seen = list(_commands(root))
    assert {"list", "show", "actors", "sources", "tags"} <= {p[0] for p, _ in seen}
    for path, cmd in seen:
        assert (cmd.help or "").strip(), f"{' '.join(path)} has no help"
        code, out, err = run(capsys, *path, "--help")
        assert code == 0, (path, err)
        assert "Usage: timeline " + " ".join(path) in out


def test_version(capsys):
    """--version prints the package version."""
    from timeline import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"timeline {__version__}\n"


def test_help_uses_words_not_python_types(tmp_path, capsys):
    """No --help shows '<list[str]>', '<str>', '<int range>', '[[ID]]' or '{ID}': placeholders are words."""
    import re

    root = typer.main.get_command(app)
    for path, _ in [((), root), *_commands(root)]:
        code, out, _ = run(capsys, *path, "--help")
        assert code == 0
        assert not re.search(r"<[a-z][a-z ]*(\[[a-z]+\])?>", out), (path, out)
        assert "[[" not in out and "{" not in out, (path, out)
        for line in out.splitlines():
            if line.lstrip().startswith("-") and "  " in line.strip():
                option = line.strip().split("  ")[0]
                # An option that takes a value names it with a capitalised word: --since DATE, -o, --output PATH.
                words = [w for w in option.replace(",", " ").split() if not w.startswith("-") and w != "/"]
                assert all(w.isupper() for w in words), (path, line)


def test_usage_lines_name_arguments_plainly(capsys):
    """Usage lines read 'show [OPTIONS] ID' and 'edit [OPTIONS] [ID]'."""
    assert run(capsys, "show", "--help")[1].startswith("Usage: timeline show [OPTIONS] ID\n")
    assert run(capsys, "edit", "--help")[1].startswith("Usage: timeline edit [OPTIONS] [ID]\n")
    assert run(capsys, "list", "--help")[1].startswith("Usage: timeline list [OPTIONS] [QUERY]...\n")
