"""timeline.grades: Admiralty grades of citations, the least grade a filter wants, and an event's best."""

from __future__ import annotations

import pytest

from timeline import grades
from timeline.dates import parse
from timeline.model import Citation, DateClaim, Event, Source, Store


def _store(*events: Event) -> Store:
    sources = {"a": Source("a", "A", reliability="A"), "b": Source("b", "B", reliability="C"), "c": Source("c", "C")}
    return Store("x", events, sources=sources)


@pytest.mark.parametrize(("text", "label"), [("B2", "B2"), ("b2", "B2"), ("B", "B?"), ("2", "?2"), (" F6 ", "F6")])
def test_parse_reads_both_halves_or_one(text, label):
    """'B2', 'B' and '2' are grades; the missing half is '?'."""
    assert grades.parse(text).label == label


@pytest.mark.parametrize("text", ["", "G2", "B7", "2B", "BB", "B22", "A0"])
def test_parse_refuses_what_is_not_a_grade(text):
    """Anything else is a ValueError saying how to write one."""
    with pytest.raises(ValueError, match="like B2, B or 2"):
        grades.parse(text)


def test_meets_compares_only_the_halves_wanted():
    """B2 meets B2 and C3 (both halves), A meets B, '?2' never meets a wanted reliability."""
    b2 = grades.grade("B", 2)
    assert grades.meets(b2, grades.parse("B2")) and grades.meets(b2, grades.parse("C3"))
    assert not grades.meets(b2, grades.parse("A")) and not grades.meets(b2, grades.parse("1"))
    assert grades.meets(grades.grade(None, 2), grades.parse("2"))
    assert not grades.meets(grades.grade(None, 2), grades.parse("F"))
    assert not grades.meets(grades.grade("F", 6), grades.parse("E5"))  # "cannot be judged" vouches for nothing


def test_an_events_grades_combine_source_and_citation():
    """Each graded source of an event gives one grade; the best comes first (reliability, then credibility)."""
    e = Event(
        "e",
        parse("2024-02-09"),
        "E",
        sources=(Citation("b", credibility=1), Citation("c", credibility=2), Citation("a")),
        claims=(DateClaim(parse("2024-02-09"), ("a",)),),
    )
    s = _store(e)
    assert [g.label for g in grades.of_event(e, s)] == ["A?", "C1", "?2"]
    assert grades.best(e, s).label == "A?"
    assert grades.best(Event("u", parse("2024"), "U", sources=(Citation("c"),)), s) is None
