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
