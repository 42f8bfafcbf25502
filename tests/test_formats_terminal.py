"""The rich terminal timeline: a rail at 40 and 120 columns, NO_COLOR, wide characters."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from tests.test_cli import run
from timeline import store
from timeline.formats import Context
from timeline.formats.terminal import render

FIXTURE = Path(__file__).parent / "data" / "formats" / "fixture.toml"


def draw(width: int, **console) -> str:
    s = store.load(FIXTURE)
    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False, **console).print(render(list(s.events), Context(s, width=width)))
    return buffer.getvalue()


@pytest.mark.parametrize("width", [40, 120])
def test_fits_the_width(width):
    """Every line fits the terminal, measured in cells (the fixture has CJK names)."""
    lines = draw(width).splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert any(cell_len(line) > width - 12 for line in lines)  # it uses the room it has


def test_narrow_puts_dates_on_the_rail():
    """At 40 columns each event starts with its dot and date, and its text hangs off the rail."""
    lines = draw(40).splitlines()
    start = lines.index(" ● 1–5 Mar 2024")
    assert lines[start + 1] == " │ Delegation visits Özgön"
    assert " ○ 3 Feb 2024?" in lines


def test_wide_puts_dates_in_a_column():
    """At 120 columns the date sits left of the rail, the title right of the dot, on one line."""
    lines = draw(120).splitlines()
    row = next(line for line in lines if "Delegation visits Özgön" in line)
    assert row.startswith("1–5 Mar 2024") and "● Delegation visits Özgön" in row
    rails = {line.index("│") for line in lines if "│" in line}
    assert rails == {16}  # one straight rail


def test_cjk_keeps_the_rail_straight():
    """A wide-character name wraps by cells, so the rail column does not move."""
    lines = [line for line in draw(40).splitlines() if "陈静" in line]
    assert lines and all(line.startswith(" │ ") for line in lines)


def test_no_color_means_no_colour_codes(monkeypatch):
    """With NO_COLOR set (the tests' default), a terminal gets no colour escapes, only bold/dim."""
    monkeypatch.setenv("NO_COLOR", "1")
    got = draw(80, force_terminal=True)
    assert "\x1b[3" not in got and "\x1b[9" not in got and "\x1b[38" not in got
    assert "\x1b[1m" in got  # bold titles survive: NO_COLOR is about colour only


def test_colour_when_allowed():
    """Without NO_COLOR a colour terminal gets the dates in colour."""
    got = draw(80, force_terminal=True, color_system="standard", no_color=False)
    assert "\x1b[36m" in got  # cyan dates


def test_cli_rich_is_plain_when_piped(capsys):
    """`--format rich` into a pipe draws the same timeline with no escape codes at all."""
    code, out, _ = run(capsys, "list", "-f", str(FIXTURE), "--format", "rich", "--width", "60")
    assert code == 0
    assert "\x1b" not in out
    assert " │ Delegation visits Özgön" in out
