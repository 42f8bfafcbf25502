"""Plain text: the report's structure, wrapped at --width, with no markup of any kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run

FIXTURE = str(Path(__file__).parent / "data" / "formats" / "fixture.toml")


@pytest.mark.parametrize("width", [30, 50, 100])
def test_wraps_at_width_except_addresses(width, capsys):
    """No line is wider than --width unless it holds an address, which is never broken."""
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", "plain", "--width", str(width))
    assert code == 0
    for line in out.splitlines():
        assert len(line) <= width or "https://" in line, line
    assert "<https://wire.example/2023/05/letters>" in out


def test_structure_matches_the_report(capsys):
    """Title, selection, year and month headings, then each event's date, title, actors and sources."""
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", "plain", "--width", "80", "--actor", "ingrid")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["Özgön–Tromsø talks (fixture)", "#" * len("Özgön–Tromsø talks (fixture)")]
    assert "4 events. Filters: actor ingrid." in lines
    assert lines.index("2023") < lines.index("May 2023") < lines.index("2024") < lines.index("February 2024")
    start = lines.index("10 Apr 2024 · also reported 12 Apr 2024 (Daily Paper & Co.)")
    assert lines[start + 1 : start + 4] == [
        "  Twinning agreement signed",
        "  The mayors sign the agreement.",
        "  Actors: Aizada Žumabaeva (Mayor), Ingrid Sørensen (Mayor)",
    ]
    assert "    1. Mayor's Office, Özgön <https://ozgon.example/press>" in lines


def test_no_markup(capsys):
    """Plain text has no Markdown emphasis, headings or HTML."""
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", "plain")
    assert code == 0
    assert "**" not in out and "<a " not in out and not any(line.startswith("#") for line in out.splitlines()[2:])


def test_possible_matches_are_marked(capsys):
    """An event kept only because its date may fall inside the window says so."""
    code, out, _ = run(
        capsys, "list", "-f", FIXTURE, "--format", "plain", "--since", "2024-02-10", "--until", "2024-02"
    )
    assert code == 0
    assert "Planning call" in out
    assert "Matched: possible match" in out
