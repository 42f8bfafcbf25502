"""Directories (actors, sources, tags), a person's page, and threads."""

from __future__ import annotations

from tests.test_cli import run


def test_actors_lists_offices_and_counts(bundled, capsys):
    """Each actor with id, name, event count, and offices with spans."""
    code, out, _ = run(capsys, "actors")
    assert code == 0
    assert "kulubaev  Jeenbek Kulubaev  (2 events)" in out
    assert "    Minister of Foreign Affairs, Kyrgyzstan: 14 Oct 2020 – 22 Apr 2022" in out
    assert "    President, Kyrgyzstan: from 28 Jan 2021" in out


def test_sources_counts_sole_support(bundled, capsys):
    """TASS is cited by several events and is the only source of one of them."""
    code, out, _ = run(capsys, "sources")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("tass "))
    assert line.endswith("3 events, 1 alone")


def test_tags_most_used_first(bundled, capsys):
    """The bill's tag heads the list with every event that is about it."""
    code, out, _ = run(capsys, "tags")
    assert code == 0
    assert out.splitlines()[0].split() == ["8", "foreign-agents-bill"]


def test_show_actor_page(bundled, capsys):
    """`show kulubaev` and `actors show Kulubayev` give his offices and events."""
    code, out, _ = run(capsys, "show", "kulubaev")
    assert code == 0
    assert "- Minister of Foreign Affairs, Kyrgyzstan: from 22 Apr 2022" in out
    assert "[reply-handed-over]" in out
    code, out2, _ = run(capsys, "actors", "show", "Kulubayev")
    assert code == 0 and out2 == out


def test_thread_draws_the_exchange(bundled, capsys):
    """The letter heads the tree; the reply and statement hang from it; the shown event is marked."""
    code, out, _ = run(capsys, "show", "reply-handed-over", "--thread")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("[blinken-letter]")
    assert any(x.startswith("├── 9 Feb 2024") and x.endswith("[reply-handed-over]  ◀") for x in lines)
    assert lines[-1].startswith("└── 12 Feb 2024")


def test_unknown_actor_page(bundled, capsys):
    """`actors show` with nobody by that name is a one-line error."""
    code, _, err = run(capsys, "actors", "show", "nobody")
    assert code == 2 and err.startswith("timeline: error: ") and err.count("\n") == 1
