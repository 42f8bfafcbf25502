"""Interactive `add` on a real pseudo-terminal: every question, bad answers, store text as data, Ctrl-C and Ctrl-D."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.test_cli import run
from tests.test_write import child_env
from timeline import store

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")

# Store text that rich would read as markup (a link, a closing tag with no opening one) or that
# a terminal would obey (ESC sequences): a prompt must show it, inert, and not crash.
HOSTILE = r"""
[sources.s]
name = "Source S"

[[events]]
id = "x"
date = "2024-01-01"
title = "X"
type = "[link=https://evil.example]click[/link]\u001b[31m"
tags = ["[/bold]", "foreign-agents-bill", "\u001b]0;pwned\u0007"]
sources = ["s"]
"""
CTRL_C, CTRL_D = "\x03", "\x04"


def readme_store(tmp_path: Path, capsys) -> Path:
    """The README's flow: `init`, then two actors nobody has taken part with yet."""
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "actors", "add", "Jeenbek Kulubaev", "--id", "kulubaev")[0] == 0
    assert run(capsys, "actors", "add", "Lesslie Viguerie")[0] == 0
    return tmp_path / "events.toml"


def converse(tmp_path: Path, answers: list[str], *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `timeline ARGS` on a pseudo-terminal, answering each question in turn.

    An answer that is a control character (Ctrl-C, Ctrl-D) is typed as it is; any other ends
    with Enter. Returns the exit status and everything the terminal showed.
    """
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on the terminal
        os.chdir(tmp_path)
        os.environ.update(child_env(), NO_COLOR="1", COLUMNS="200", TERM="dumb", **(env or {}))
        os.execv(sys.executable, [sys.executable, "-m", "timeline", *args])
    seen, pending = "", list(answers)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(fd, 4096).decode("utf-8", "replace")
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if pending and seen.rstrip(" ").endswith((":", "]")):
            answer = pending.pop(0)
            if answer in (CTRL_C, CTRL_D):
                # As a person would: after the question is up. A signal that lands between the
                # prompt's flush and the read would wait for the read to end (Python's input()).
                time.sleep(0.3)
            os.write(fd, (answer if answer in (CTRL_C, CTRL_D) else answer + "\r").encode())
    done, status = os.waitpid(pid, os.WNOHANG)
    if not done:  # still waiting for input after the deadline: stop it, and say what it showed
        time.sleep(1)
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen


def test_readme_flow_with_unused_actors_asks_and_adds(tmp_path, capsys):
    """`add` on a terminal after `init` and two `actors add` asks every question and writes (it used to crash)."""
    path = readme_store(tmp_path, capsys)
    answers = ["9 Feb 2024", "Reply handed over", "A summary.", "meeting", "kulubaev, Lesslie Viguerie", "", ""]
    code, seen = converse(tmp_path, answers, "add")
    assert code == 0, seen
    assert "internal error" not in seen
    assert "known: kulubaev, lesslie-viguerie" in seen
    (e,) = store.load(path).events
    assert (e.date.text, e.title, e.summary, e.type, e.actors) == (
        "2024-02-09", "Reply handed over", "A summary.", "meeting", ("kulubaev", "lesslie-viguerie")
    )  # fmt: skip


def test_known_values_are_offered_most_used_first(tmp_path, capsys):
    """Actors offered in the prompt come most used first, then the ones no event names, in store order."""
    path = readme_store(tmp_path, capsys)
    assert run(capsys, "add", "--date", "2024", "--title", "One", "--actor", "Lesslie Viguerie")[0] == 0
    code, seen = converse(tmp_path, ["2024", "", CTRL_D], "add", "--title", "Two", "--type", "t", "--tag", "x")
    assert code == 130 and "known: lesslie-viguerie, kulubaev" in seen
    assert len(store.load(path).events) == 1


def test_store_text_in_a_prompt_is_shown_inert(tmp_path, capsys):
    """Types and tags that look like rich markup or hold ESC sequences are shown as text, never obeyed."""
    path = readme_store(tmp_path, capsys)
    path.write_text(path.read_text(encoding="utf-8") + HOSTILE, encoding="utf-8")
    code, seen = converse(tmp_path, ["2024", "T", "", "", "", "", "s"], "add")
    assert code == 0, seen
    assert "known: [link=https://evil.example]click[/link]\\x1b[31m" in seen  # escaped, as in messages
    assert "[/bold]" in seen and "\x1b" not in seen and "\x07" not in seen


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
@pytest.mark.parametrize("question", [0, 1, 4], ids=["date", "title", "actors"])
def test_ctrl_c_and_ctrl_d_cancel_alike(tmp_path, capsys, key, question):
    """Ctrl-C and Ctrl-D at any question: the line ends, one message, exit 130, the store untouched."""
    path = readme_store(tmp_path, capsys)
    before = path.read_bytes()
    answers = ["9 Feb 2024", "Title", "", "", ""][:question] + [key]
    code, seen = converse(tmp_path, answers, "add")
    assert code == 130, seen
    lines = seen.replace("\r\n", "\n").split("\n")
    assert lines[-2] == "timeline: cancelled; nothing was added" and lines[-1] == ""
    assert "Aborted" not in seen and "internal error" not in seen
    assert path.read_bytes() == before


def test_a_look_alike_tag_is_asked_again_and_kept_when_typed_twice(tmp_path, capsys):
    """A new tag that looks like one the store has is questioned; typing it again keeps it."""
    path = readme_store(tmp_path, capsys)
    path.write_text(path.read_text(encoding="utf-8") + HOSTILE, encoding="utf-8")
    answers = ["2024", "T", "", "meeting", "", "foriegn-agents-bill", "foriegn-agents-bill", "s"]
    code, seen = converse(tmp_path, answers, "add")
    assert code == 0, seen
    assert "'foriegn-agents-bill' is not a tag yet; did you mean 'foreign-agents-bill'?" in seen
    assert store.load(path).by_id["2024-t"].tags == ("foriegn-agents-bill",)


def test_a_bad_date_and_an_unknown_actor_are_asked_again(tmp_path, capsys):
    """A date that does not read, an empty title and an unknown actor each get the question again."""
    path = readme_store(tmp_path, capsys)
    answers = ["2024-02-30", "2024-02-29", "", "Leap day", "", "", "kulubaef", "kulubaev", "", ""]
    code, seen = converse(tmp_path, answers, "add")
    assert code == 0, seen
    assert "day 30 is not 01-29" in seen and "required" in seen and "unknown actor 'kulubaef'" in seen
    (e,) = store.load(path).events
    assert (e.date.text, e.title, e.actors) == ("2024-02-29", "Leap day", ("kulubaev",))


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_edit_again_question_cancels_like_add(tmp_path, capsys, key):
    """At edit's "(e)dit again or (a)bandon?" Ctrl-C and Ctrl-D cancel as in add: new line, exit 130, store kept."""
    path = readme_store(tmp_path, capsys)
    before = path.read_bytes()
    editor = tmp_path / "editor.py"
    editor.write_text("import sys; open(sys.argv[-1], 'a').write('[[events]]\\nid = 1\\n')\n", encoding="utf-8")
    code, seen = converse(tmp_path, [key], "edit", env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    assert code == 130, seen
    lines = seen.replace("\r\n", "\n").split("\n")
    assert lines[-2] == "timeline: cancelled; the store was not changed" and lines[-1] == ""
    assert path.read_bytes() == before
