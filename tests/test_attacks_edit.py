"""Attack: editors that do odd things to the copy `timeline edit` gives them.

An editor may delete the copy, leave a folder or a FIFO where it was, or be pointed at a store
whose name holds escape sequences. None of it may crash `edit` (exit 70) or hang it; the store
stays byte for byte as it was, and every line printed is inert.
"""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.conftest import DATA
from tests.test_attacks_text import inert
from tests.test_cli import run

# The editor: $EDIT_ACTION says what it does to the file it is given.
EDITOR = r"""
import os, sys
f = sys.argv[-1]
action = os.environ["EDIT_ACTION"]
if action in ("delete", "folder", "fifo"):
    os.unlink(f)
if action == "folder":
    os.mkdir(f)
elif action == "fifo":
    os.mkfifo(f)
elif action == "retitle":
    text = open(f, encoding="utf-8").read()
    open(f, "w", encoding="utf-8").write(text.replace('title = "Ünïcödé', 'title = "Edited Ünïcödé'))
"""


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """The scripted editor as $EDITOR, `edit` believing it runs on a terminal, and 30 s to finish."""
    import signal

    def hung(signum, frame):
        raise TimeoutError("timeline edit hung (waiting on a FIFO?)")

    # A regression here would wait on a FIFO for ever; the alarm turns that into a failure.
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr("timeline.cli.prompts.interactive", lambda no_input: True)
    yield monkeypatch
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("action", "words"),
    [("delete", "removed the copy"), ("folder", "is a folder"), ("fifo", "is a FIFO")],
)
def test_an_editor_that_removes_or_replaces_the_copy(tmp_path, capsys, editor, action, words):
    """Deleting the copy, or leaving a folder or FIFO in its place, is a one-line error, exit 1, store unchanged."""
    store = tmp_path / "events.toml"
    shutil.copy(DATA / "write" / "commented.toml", store)
    before = store.read_bytes()
    editor.setenv("EDIT_ACTION", action)
    code, out, err = run(capsys, "edit")
    assert code == 1, err
    assert words in err and "events.toml was not changed" in err and err.count("\n") == 1
    assert store.read_bytes() == before


def test_saving_a_store_with_a_hostile_name_prints_inert_lines(tmp_path, capsys, editor):
    """ "Saved PATH." for a file name holding an escape sequence and a bidi override is inert."""
    store = tmp_path / "ev\x1b]0;owned\x07\u202e.toml"
    shutil.copy(DATA / "write" / "commented.toml", store)
    editor.setenv("EDIT_ACTION", "retitle")
    code, out, err = run(capsys, "edit", "--file", str(store))
    assert code == 0, err
    assert out.startswith("Saved ") and inert(out) and inert(err)
    assert "Edited Ünïcödé" in store.read_text(encoding="utf-8")


def test_edit_refuses_a_store_that_is_not_a_file(tmp_path, capsys, editor):
    """`edit -f` on a folder or FIFO is refused before any editor starts."""
    import os

    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "folder.toml").mkdir()
    editor.setenv("EDIT_ACTION", "retitle")
    for name in ("pipe.toml", "folder.toml"):
        code, _, err = run(capsys, "edit", "--file", name)
        assert code == 1 and "not a store file" in err, err
