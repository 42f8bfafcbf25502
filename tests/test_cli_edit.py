"""`timeline edit`: a private copy, checked whole when the editor exits, replacing the store only if it loads."""

from __future__ import annotations

import io
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from tests.test_write import _converse, child_env

COMMENTED = DATA / "write" / "commented.toml"

# An editor is a script: it records how it was called, then applies the next action in the
# list given by $EDIT_ACTIONS ("break", "fix", "retitle", "none", "fail", "meddle").
EDITOR = r"""
import json, os, sys
from pathlib import Path
log = Path(os.environ["EDIT_LOG"])
calls = json.loads(log.read_text()) if log.exists() else []
calls.append(sys.argv[1:])
log.write_text(json.dumps(calls))
action = os.environ["EDIT_ACTIONS"].split(",")[len(calls) - 1]
f = Path(sys.argv[-1])
text = f.read_text(encoding="utf-8")
if action == "break":
    f.write_text(text.replace('date = "2024-02"', 'date = "2024-02-31"'), encoding="utf-8")
elif action == "fix":
    f.write_text(text.replace('date = "2024-02-31"', 'date = "2024-02-29"'), encoding="utf-8")
elif action == "retitle":
    f.write_text(text.replace('title = "Ünïcödé', 'title = "Edited Ünïcödé'), encoding="utf-8")
elif action == "meddle":
    Path(os.environ["STORE"]).write_text(text + "\n# someone else\n", encoding="utf-8")
    f.write_text(text.replace('title = "Ünïcödé', 'title = "Mine Ünïcödé'), encoding="utf-8")
elif action == "fail":
    sys.exit(3)
"""


@pytest.fixture
def editing(tmp_path, monkeypatch):
    """A commented store, the editor script as $EDITOR, and `edit` believing it runs on a terminal."""
    store = tmp_path / "events.toml"
    shutil.copy(COMMENTED, store)
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDIT_LOG", str(tmp_path / "calls.json"))
    monkeypatch.setenv("STORE", str(store))
    monkeypatch.setattr("timeline.cli.prompts.interactive", lambda no_input: True)
    return store


def answers(monkeypatch, *lines: str) -> None:
    """What the person types at the "(e)dit again or (a)bandon?" question."""
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{x}\n" for x in lines)))


def calls(tmp_path: Path) -> list[list[str]]:
    import json

    return json.loads((tmp_path / "calls.json").read_text())


def test_without_a_terminal_edit_is_an_error(bundled, capsys):
    """With no terminal no editor is started: a one-line usage error (exit 2), the store untouched."""
    before = bundled.read_bytes()
    code, out, err = run(capsys, "edit", "law-signed")
    assert (code, out) == (2, "")
    assert "timeline edit needs a terminal" in err
    assert bundled.read_bytes() == before


def test_a_broken_edit_abandoned_leaves_the_store_byte_for_byte(editing, tmp_path, capsys, monkeypatch):
    """An edit that does not load is shown with its line; abandoning keeps the store and removes the copy."""
    monkeypatch.setenv("EDIT_ACTIONS", "break")
    answers(monkeypatch, "a")
    before = editing.read_bytes()
    code, out, err = run(capsys, "edit", "second")
    assert code == 1
    assert "events.toml:60: event 'second': field 'date': \"2024-02-31\": day 31 is not 01-29" in err
    assert "abandoned; events.toml was not changed" in err
    assert editing.read_bytes() == before
    copy = Path(calls(tmp_path)[0][-1])
    assert copy.name == "events.toml" and copy != editing and not copy.parent.exists()


def test_edit_again_until_it_loads(editing, tmp_path, capsys, monkeypatch):
    """After a failed check, 'e' reopens the copy at the error's line; a fixed copy replaces the store."""
    monkeypatch.setenv("EDIT_ACTIONS", "break,fix")
    answers(monkeypatch, "e")
    code, out, err = run(capsys, "edit")
    assert code == 0, err
    assert out.endswith("(e)dit again or (a)bandon? [e] Saved events.toml.\n")
    assert 'date = "2024-02-29"' in editing.read_text(encoding="utf-8")
    first, second = calls(tmp_path)
    assert first[-1] == second[-1]  # the same private copy, edit kept between rounds


def test_a_good_edit_replaces_the_store_keeping_its_mode(editing, capsys, monkeypatch):
    """A copy that loads cleanly becomes the store, with the store's permission bits."""
    monkeypatch.setenv("EDIT_ACTIONS", "retitle")
    editing.chmod(0o640)
    expected = editing.read_text(encoding="utf-8").replace('title = "Ünïcödé', 'title = "Edited Ünïcödé')
    code, out, _ = run(capsys, "edit", "second")
    assert (code, out) == (0, "Saved events.toml.\n")
    assert editing.read_text(encoding="utf-8") == expected
    assert editing.stat().st_mode & 0o777 == 0o640


def test_no_changes_and_a_failing_editor_leave_the_store(editing, capsys, monkeypatch):
    """Closing without saving says so; an editor that exits non-zero abandons the edit."""
    before = editing.read_bytes()
    monkeypatch.setenv("EDIT_ACTIONS", "none")
    assert run(capsys, "edit")[:2] == (0, "No changes; events.toml was not changed.\n")
    os.unlink(os.environ["EDIT_LOG"])
    monkeypatch.setenv("EDIT_ACTIONS", "fail")
    code, _, err = run(capsys, "edit")
    assert code == 1 and "the editor exited with status 3" in err
    assert editing.read_bytes() == before


def test_someone_elses_write_during_the_edit_wins(editing, capsys, monkeypatch):
    """If the store changed while the editor was open, it is not replaced and the edited copy is kept."""
    monkeypatch.setenv("EDIT_ACTIONS", "meddle")
    code, _, err = run(capsys, "edit")
    assert code == 1
    assert "someone else changed the store while you were editing" in err
    assert editing.read_text(encoding="utf-8").endswith("# someone else\n")
    kept = Path(err.split("your edited copy is kept at ")[1].strip())
    assert "Mine Ünïcödé" in kept.read_text(encoding="utf-8")
    shutil.rmtree(kept.parent)


def test_a_vi_like_editor_opens_at_the_item(editing, tmp_path, capsys, monkeypatch):
    """$VISUAL wins over $EDITOR, and an editor named vi gets +LINE for the event, actor or source."""
    vi = tmp_path / "bin" / "vi"
    vi.parent.mkdir()
    vi.write_text(f"#!{sys.executable}\n" + EDITOR, encoding="utf-8")
    vi.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(vi))
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("EDIT_ACTIONS", "none,none,none")
    for item in ("second", "dotted.id", "24kg"):
        assert run(capsys, "edit", item)[0] == 0
    assert [c[0] for c in calls(tmp_path)] == ["+59", "+24", "+37"]


def test_an_unknown_item_names_the_closest(editing, capsys):
    """An id that is not in the store is an error with suggestions, before any editor starts."""
    code, _, err = run(capsys, "edit", "secnd")
    assert code == 2 and "no event, actor or source 'secnd'" in err and "'second'" in err


def test_a_store_that_does_not_load_can_be_repaired(editing, tmp_path, capsys, monkeypatch):
    """edit opens a broken store too, so it can be fixed; the fix is saved once it loads."""
    editing.write_text(editing.read_text(encoding="utf-8").replace('date = "2024-02"', 'date = "2024-02-31"'))
    monkeypatch.setenv("EDIT_ACTIONS", "fix")
    code, out, _ = run(capsys, "edit", "second")
    assert (code, out) == (0, "Saved events.toml.\n")
    assert run(capsys, "list", "--format", "json")[0] == 0


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_real_terminal_a_breaking_editor_changes_nothing(tmp_path):
    """The real command on a pseudo-terminal, $EDITOR breaking the file, 'a' typed: the store is unchanged."""
    import pty

    store = tmp_path / "events.toml"
    shutil.copy(COMMENTED, store)
    before = store.read_bytes()
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tmp_path)
        os.environ.update(child_env(), EDITOR=f"{sys.executable} {script}", EDIT_LOG=str(tmp_path / "calls.json"),
                          EDIT_ACTIONS="break,break", STORE=str(store), TERM="dumb")  # fmt: skip
        os.environ.pop("VISUAL", None)
        os.execv(sys.executable, [sys.executable, "-m", "timeline", "edit", "second"])
    start = time.monotonic()
    seen = _converse(fd, ["e", "a"])
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1, seen
    assert seen.count("(e)dit again or (a)bandon?") == 2 and "abandoned" in seen
    assert store.read_bytes() == before
    assert time.monotonic() - start < 30
