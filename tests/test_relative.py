"""timeline.relative: a source's own words for a date, read against its publication day."""

from __future__ import annotations

from datetime import date

import pytest

from timeline import dates, relative

MONDAY = date(2024, 2, 12)  # RIA Novosti's report of the meeting "last Friday"


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected"),
    [
        ("last Friday", MONDAY, "2024-02-09"),
        ("Last friday", MONDAY, "2024-02-09"),
        ("last Friday", date(2024, 2, 9), "2024-02-02"),  # on a Friday, "last Friday" is a week back
        ("Friday", date(2024, 2, 9), "2024-02-09"),  # a bare weekday may be the day itself
        ("on Monday", MONDAY, "2024-02-12"),
        ("on Sunday", MONDAY, "2024-02-11"),
        ("next Monday", MONDAY, "2024-02-19"),
        ("this Friday", MONDAY, "2024-02-16"),
        ("yesterday", MONDAY, "2024-02-11"),
        ("the day before yesterday", MONDAY, "2024-02-10"),
        ("tomorrow", MONDAY, "2024-02-13"),
        ("3 days ago", MONDAY, "2024-02-09"),
        ("two weeks ago", MONDAY, "2024-01-29"),
        ("a week ago", MONDAY, "2024-02-05"),
        ("last week", MONDAY, "2024-02-05/2024-02-11"),
        ("last month", date(2024, 1, 10), "2023-12"),
        ("next month", date(2024, 12, 10), "2025-01"),
        ("last year", MONDAY, "2023"),
    ],
)
def test_phrases_resolve_against_the_anchor(phrase, anchor, expected):
    """Each phrase gives the store date it means in a report of that day, as precise as the words."""
    assert relative.understood(phrase)
    assert relative.resolve(phrase, anchor).text == expected


@pytest.mark.parametrize("phrase", ["last Fryday", "soon", "2024-02-09", "the other day", ""])
def test_other_words_are_refused_with_the_forms_we_read(phrase):
    """Words that are not a relative date are a PhraseError listing what is understood."""
    assert not relative.understood(phrase)
    with pytest.raises(relative.PhraseError, match="last Friday, \\(on\\) Friday"):
        relative.resolve(phrase, MONDAY)


def test_the_anchor_must_be_one_day():
    """No publication day, or only a month, cannot anchor a phrase."""
    with pytest.raises(relative.PhraseError, match="published ="):
        relative.anchor_day(None)
    with pytest.raises(relative.PhraseError, match="not Feb 2024"):
        relative.anchor_day(dates.parse("2024-02"))
    assert relative.anchor_day(dates.parse("2024-02-12")) == MONDAY


def test_the_calendar_edges_are_errors_not_crashes():
    """A phrase that would leave the years 0001-9999 is a PhraseError."""
    with pytest.raises(relative.PhraseError):
        relative.resolve("tomorrow", date(9999, 12, 31))
    with pytest.raises(relative.PhraseError):
        relative.resolve("next year", date(9999, 6, 1))
    with pytest.raises(relative.PhraseError):
        relative.resolve("last week", date(1, 1, 3))
    assert relative.resolve("999 days ago", date(9999, 12, 31)).text == "9997-04-06"


def test_wording_names_the_weekday():
    """A resolved day is shown with its weekday, as a reader checks it against the words."""
    assert relative.wording(relative.resolve("last Friday", MONDAY)) == "Fri 9 Feb 2024"
    assert relative.wording(relative.resolve("last month", MONDAY)) == "Jan 2024"
