"""Tests for timeline.dates: the store date language, typed dates, wording and bounds."""

from __future__ import annotations

import calendar
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.dates import (
    DateError,
    EDate,
    display,
    from_toml,
    one_of,
    overlaps,
    parse,
    parse_typed,
    to_json,
    within,
)

D = date
MIN, MAX = date.min, date.max

VALID = [
    # text, earliest, latest, precision, display
    ("2024", D(2024, 1, 1), D(2024, 12, 31), "year", "2024"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", "Feb 2024"),
    ("2024-02-09", D(2024, 2, 9), D(2024, 2, 9), "day", "9 Feb 2024"),
    ("0999-07", D(999, 7, 1), D(999, 7, 31), "month", "Jul 999"),
    # Leap years: divisible by 4, except centuries, except every 400 years.
    ("2023-02", D(2023, 2, 1), D(2023, 2, 28), "month", "Feb 2023"),
    ("1900-02", D(1900, 2, 1), D(1900, 2, 28), "month", "Feb 1900"),
    ("2000-02", D(2000, 2, 1), D(2000, 2, 29), "month", "Feb 2000"),
    ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), "day", "29 Feb 2024"),
    ("2024-12", D(2024, 12, 1), D(2024, 12, 31), "month", "Dec 2024"),
    # Qualifiers describe confidence and leave the bounds alone.
    ("2024~", D(2024, 1, 1), D(2024, 12, 31), "year", "c. 2024"),
    ("2024-02?", D(2024, 2, 1), D(2024, 2, 29), "month", "Feb 2024?"),
    ("2024-02%", D(2024, 2, 1), D(2024, 2, 29), "month", "c. Feb 2024?"),
    ("2024-02-09%", D(2024, 2, 9), D(2024, 2, 9), "day", "c. 9 Feb 2024?"),
    # Unspecified digits.
    ("202X", D(2020, 1, 1), D(2029, 12, 31), "decade", "2020s"),
    ("202X~", D(2020, 1, 1), D(2029, 12, 31), "decade", "c. 2020s"),
    ("20XX", D(2000, 1, 1), D(2099, 12, 31), "century", "2000–2099"),
    ("2024-XX", D(2024, 1, 1), D(2024, 12, 31), "year", "2024 (month unknown)"),
    ("2024-XX-XX", D(2024, 1, 1), D(2024, 12, 31), "year", "2024 (month unknown)"),
    ("2024-02-XX", D(2024, 2, 1), D(2024, 2, 29), "month", "Feb 2024 (day unknown)"),
    ("2024-02-XX?", D(2024, 2, 1), D(2024, 2, 29), "month", "Feb 2024? (day unknown)"),
    # Intervals, sharing what both ends share when both are plain.
    ("2024-01/2024-02", D(2024, 1, 1), D(2024, 2, 29), "interval", "Jan–Feb 2024"),
    ("2024-02-09/2024-02-12", D(2024, 2, 9), D(2024, 2, 12), "interval", "9–12 Feb 2024"),
    ("2024-01-09/2024-02-12", D(2024, 1, 9), D(2024, 2, 12), "interval", "9 Jan – 12 Feb 2024"),
    ("2023-12/2024-02", D(2023, 12, 1), D(2024, 2, 29), "interval", "Dec 2023 – Feb 2024"),
    ("2023-12-09/2024-02-12", D(2023, 12, 9), D(2024, 2, 12), "interval", "9 Dec 2023 – 12 Feb 2024"),
    ("2023/2024", D(2023, 1, 1), D(2024, 12, 31), "interval", "2023–2024"),
    ("2024/2024", D(2024, 1, 1), D(2024, 12, 31), "interval", "2024"),
    ("2024-02-09/2024-02-09", D(2024, 2, 9), D(2024, 2, 9), "interval", "9 Feb 2024"),
    # Mixed precision: earliest of the start, latest of the end.
    ("2023/2024-02", D(2023, 1, 1), D(2024, 2, 29), "interval", "2023 – Feb 2024"),
    ("2024-02/2024-02-01", D(2024, 2, 1), D(2024, 2, 1), "interval", "Feb 2024 – 1 Feb 2024"),
    ("2024-02-09/2024-03", D(2024, 2, 9), D(2024, 3, 31), "interval", "9 Feb 2024 – Mar 2024"),
    # Qualifiers on interval ends.
    ("2004-06~/2004-08?", D(2004, 6, 1), D(2004, 8, 31), "interval", "c. Jun 2004 – Aug 2004?"),
    ("2024-01%/2024-02", D(2024, 1, 1), D(2024, 2, 29), "interval", "c. Jan 2024? – Feb 2024"),
    # Open and unknown ends.
    ("../2024-02-09", MIN, D(2024, 2, 9), "interval", "until 9 Feb 2024"),
    ("2024-01/..", D(2024, 1, 1), MAX, "interval", "from Jan 2024"),
    ("/2024-02-09", MIN, D(2024, 2, 9), "interval", "? – 9 Feb 2024"),
    ("2024-01/", D(2024, 1, 1), MAX, "interval", "Jan 2024 – ?"),
    ("2024-01~/..", D(2024, 1, 1), MAX, "interval", "from c. Jan 2024"),
    # Times keep the day as written, whatever the offset.
    ("2024-02-09T14:30Z", D(2024, 2, 9), D(2024, 2, 9), "day", "9 Feb 2024 14:30 UTC"),
    ("2024-02-09T14:30:00+06:00", D(2024, 2, 9), D(2024, 2, 9), "day", "9 Feb 2024 14:30:00 +06:00"),
    ("2024-02-09T14:30+06:00", D(2024, 2, 9), D(2024, 2, 9), "day", "9 Feb 2024 14:30 +06:00"),
    ("2024-02-09T23:30-05:00", D(2024, 2, 9), D(2024, 2, 9), "day", "9 Feb 2024 23:30 -05:00"),
    ("2024-02-09T00:15:00.5+14:00?", D(2024, 2, 9), D(2024, 2, 9), "day", "9 Feb 2024 00:15:00.5 +14:00?"),
    # Minutes without seconds: beyond EDTF on purpose, so a source's "14:30" is not made "14:30:00".
    ("1985-04-12T23:20", D(1985, 4, 12), D(1985, 4, 12), "day", "12 Apr 1985 23:20"),
]


@pytest.mark.parametrize(("text", "earliest", "latest", "precision", "words"), VALID)
def test_parse_valid(text: str, earliest: date, latest: date, precision: str, words: str) -> None:
    """Each valid store date has the expected bounds, precision and wording, and keeps its text."""
    d = parse(text)
    assert (d.text, d.earliest, d.latest, d.precision) == (text, earliest, latest, precision)
    assert display(d) == words


def test_qualifier_flags() -> None:
    """? is uncertain, ~ approximate, % both; an interval carries its ends' flags."""
    assert (parse("2024?").uncertain, parse("2024?").approximate) == (True, False)
    assert (parse("2024~").uncertain, parse("2024~").approximate) == (False, True)
    assert (parse("2024%").uncertain, parse("2024%").approximate) == (True, True)
    d = parse("2004-06~/2004-08?")
    assert d.start is not None and d.end is not None
    assert (d.start.approximate, d.start.uncertain, d.end.uncertain) == (True, False, True)
    assert (d.uncertain, d.approximate) == (True, True)


def test_interval_ends_and_flags() -> None:
    """Open (..) and unknown (empty) ends are both unbounded but stay distinguishable."""
    open_start, unknown_start = parse("../2024-02-09"), parse("/2024-02-09")
    assert open_start.is_interval and open_start.start is None
    assert open_start.end == parse("2024-02-09")
    assert (open_start.open_start, unknown_start.open_start, unknown_start.start) == (True, False, None)
    assert open_start.sort_key() == unknown_start.sort_key()
    assert parse("2024-01/").end is None and not parse("2024-01/").open_end and parse("2024-01/..").open_end
    assert not parse("2024-02-09").is_interval


def test_time_is_kept_as_written() -> None:
    """The clock and offset are recorded verbatim; the day is never shifted."""
    assert parse("2024-02-09T23:30-05:00").time == "23:30-05:00"
    assert parse("2024-02-09T14:30Z").time == "14:30Z"
    assert parse("2024-02-09").time is None


def test_unspecified_month_is_distinguishable() -> None:
    """2024-XX bounds the whole year like 2024, but keeps its text and wording."""
    plain, unknown_month = parse("2024"), parse("2024-XX")
    assert plain.sort_key() == unknown_month.sort_key()
    assert plain != unknown_month
    assert display(plain) != display(unknown_month)


INVALID = [
    ("2024-13", "month 13 is not 01-12"),
    ("2024-00", "month 00 is not 01-12"),
    ("2024-02-30", "February 2024 has 29 days"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("1900-02-29", "February 1900 has 28 days"),
    ("2024-04-31", "April 2024 has 30 days"),
    ("2024-02-00", "day 00 is not 01-29"),
    ("24-02-09", "must have 4 digits"),
    ("12345", "must have 4 digits"),
    ("2024-2-9", 'the month "2" must be 01-12 or XX'),
    ("2024/02/09", 'write dates as "2024-02-09"'),
    ("2024/02", '"02" must have 4 digits'),
    ("2024-02-09T25:00Z", "must be HH:MM or HH:MM:SS"),
    ("2024-02-09T10:00+06:0", "must be Z, +HH, +HHMM or +HH:MM"),
    ("2024-02-09T10:00+24", "must be Z, +HH, +HHMM or +HH:MM"),
    ("2024-02T10:00Z", "a time of day needs a full date"),
    # Beyond EDTF levels 0 and 1: an interval end with a time of day, or with unspecified digits.
    ("2004-02-01T10:10:10/2005", 'its ends take no time of day; write "2004-02-01"'),
    ("2004/2005-01-01T10:00Z", 'its ends take no time of day; write "2005-01-01"'),
    ("2004-06-XX/2004-07-03", "an interval end cannot have unspecified digits (X)"),
    ("202X/2024-02-09", "an interval end cannot have unspecified digits (X)"),
    ("2024/20XX", "an interval end cannot have unspecified digits (X)"),
    ("", "empty date"),
    (" 2024", "remove the spaces"),
    ("2024-02-09/2024-01-01", "ends before it starts"),
    ("2024-02/2024-01", "ends before it starts"),
    ("../..", "at least one known end"),
    ("/", "at least one known end"),
    ("../", "at least one known end"),
    ("X024", "X may only replace the last digits"),
    ("2X24", "X may only replace the last digits"),
    ("2024-X2", 'the month "X2" must be 01-12 or XX'),
    ("2024-XX-09", "a day needs a known month"),
    ("202X-01", "takes no month or day"),
    ("abc", "not a store date"),
    ("2024??", "use one qualifier"),
    ("2024?~", "use one qualifier"),
    ("9 Feb 2024", 'not a store date; write it as "2024-02-09"'),
    ("Feb 2024?", 'write it as "2024-02?"'),
    ("-0100", "negative years are not supported"),
    ("0000", "year 0000 is not supported"),
    ("2024-25", "month 25 is not 01-12"),
    ("Y170000002", "years past 9999 are not supported"),
    ("[2024-02-09,2024-02-11]", "sets are not store dates"),
    ("2024-02-09t14:30z", "not a store date"),
    ("2024-02-09/2024-01/2024", "intervals as START/END"),
]


@pytest.mark.parametrize(("text", "fragment"), INVALID)
def test_parse_invalid(text: str, fragment: str) -> None:
    """Each invalid string raises DateError with a one-line message that quotes it."""
    with pytest.raises(DateError) as info:
        parse(text)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    if text:
        assert f'"{text}"' in message


def test_from_toml_values() -> None:
    """TOML dates and offset date-times keep the calendar day as written."""
    assert from_toml(date(2024, 2, 9)) == parse("2024-02-09")
    assert from_toml("2024-02") == parse("2024-02")
    # 23:30 at -05:00 is already 10 Feb in UTC; the stored day must stay 9 Feb.
    late = from_toml(datetime(2024, 2, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5))))
    assert (late.earliest, late.latest, late.precision) == (D(2024, 2, 9), D(2024, 2, 9), "day")
    assert late.time == "23:30:00-05:00"
    assert late.text == "2024-02-09T23:30:00-05:00"
    assert parse(late.text) == late
    utc = from_toml(datetime(2024, 2, 9, 0, 5, tzinfo=timezone.utc))
    assert utc.earliest == D(2024, 2, 9) and utc.time == "00:05:00+00:00"


def test_from_toml_local_datetime_keeps_its_day_and_time() -> None:
    """A TOML local date-time reads like the same text in a string: a local time, kept as written."""
    local = from_toml(datetime(2024, 2, 9, 14, 30))
    assert (local.earliest, local.latest, local.time) == (D(2024, 2, 9), D(2024, 2, 9), "14:30:00")


@pytest.mark.parametrize(("value", "kind"), [(20240209, "int"), (None, "NoneType"), (2024.5, "float")])
def test_from_toml_wrong_type(value: object, kind: str) -> None:
    """Anything but a string, date or date-time names the type it got."""
    with pytest.raises(DateError) as info:
        from_toml(value)
    assert str(info.value) == f'expected a date string like "2024-02-09", got {kind}'


def test_to_json_key_order_and_unbounded() -> None:
    """to_json has a stable key order and uses None for an unbounded end."""
    assert list(to_json(parse("2024-02"))) == ["date", "earliest", "latest", "precision", "uncertain", "approximate"]
    assert to_json(parse("2024-02?")) == {
        "date": "2024-02?",
        "earliest": "2024-02-01",
        "latest": "2024-02-29",
        "precision": "month",
        "uncertain": True,
        "approximate": False,
    }
    assert to_json(parse("../2024-02-09"))["earliest"] is None
    assert to_json(parse("2024-01/"))["latest"] is None


def test_one_of() -> None:
    """A disputed date spans its members and reads as one or the other."""
    d = one_of([parse("2024-02-11"), parse("2024-02-09")])
    assert d.text == "[2024-02-09,2024-02-11]"
    assert (d.earliest, d.latest, d.precision) == (D(2024, 2, 9), D(2024, 2, 11), "set")
    assert display(d) == "9 Feb 2024 or 11 Feb 2024"
    assert one_of([parse("2024-02-09")]) == parse("2024-02-09")
    assert one_of([parse("2024"), parse("2024")]) == parse("2024")
    assert one_of([d, parse("2024-03~")]).text == "[2024-02-09,2024-02-11,2024-03~]"
    with pytest.raises(DateError):
        one_of([])


def test_one_of_overlaps_only_its_members() -> None:
    """A window between two claimed days does not overlap either claim."""
    d = one_of([parse("2024-02-09"), parse("2024-02-11")])
    assert not overlaps(d, D(2024, 2, 10), D(2024, 2, 10))
    assert overlaps(d, D(2024, 2, 11), None)
    assert within(d, D(2024, 2, 1), D(2024, 2, 29))
    assert not within(d, D(2024, 2, 10), None)


def test_overlaps_and_within() -> None:
    """A month may fall in a one-day window inside it but is not certainly inside it."""
    feb = parse("2024-02")
    day = D(2024, 2, 9)
    assert overlaps(feb, day, day) and not within(feb, day, day)
    assert within(feb, D(2024, 2, 1), D(2024, 2, 29))
    assert within(feb, None, None) and overlaps(feb, None, None)
    assert not overlaps(feb, D(2024, 3, 1), None)
    assert not overlaps(feb, None, D(2024, 1, 31))
    until = parse("../2024-02-09")
    assert overlaps(until, None, D(1900, 1, 1)) and not overlaps(until, D(2024, 2, 10), None)
    assert within(until, None, D(2024, 2, 9)) and not within(until, D(1000, 1, 1), None)
    since = parse("2024-01/..")
    assert overlaps(since, D(3000, 1, 1), None) and not within(since, None, D(3000, 1, 1))
    assert within(since, D(2024, 1, 1), None)


TODAY = D(2024, 3, 1)
TYPED = [
    ("9 Feb 2024", "2024-02-09", "day"),
    ("February 9, 2024", "2024-02-09", "day"),
    ("Feb 9th, 2024", "2024-02-09", "day"),
    ("February 2024", "2024-02", "month"),
    ("Feb 2024", "2024-02", "month"),
    ("feb 2024", "2024-02", "month"),
    ("Sept 2024", "2024-09", "month"),
    ("Fri 9 Feb 2024", "2024-02-09", "day"),
    ("Feb 2024~", "2024-02~", "month"),
    ("  9 FEB 2024 ", "2024-02-09", "day"),
    ("2024", "2024", "year"),
    ("2024-02-09", "2024-02-09", "day"),
    ("202x", "202X", "decade"),
    ("2024-01/..", "2024-01/..", "interval"),
    ("today", "2024-03-01", "day"),
    ("Today", "2024-03-01", "day"),
    ("yesterday", "2024-02-29", "day"),
    ("YESTERDAY", "2024-02-29", "day"),
]


@pytest.mark.parametrize(("typed", "text", "precision"), TYPED)
def test_parse_typed(typed: str, text: str, precision: str) -> None:
    """Typed dates keep the precision given and come back in canonical store form."""
    d = parse_typed(typed, today=TODAY)
    assert (d.text, d.precision) == (text, precision)
    assert d == parse(text)


TYPED_INVALID = [
    ("9 Feb", "the year is missing"),
    ("February", "the year is missing"),
    ("9 Feb 24", "4 digits"),
    ("30 Feb 2024", "day is out of range"),
    ("Feb 9 2024 3pm", "for a time of day"),
    ("9 Feb 2024 10:00 EST", "for a time of day"),
    ("9 Feb 2024 EST", "not a date"),
    ("Thu 9 Feb 2024", "weekday does not fit"),
    ("Friday Feb 2024", "weekday does not fit"),
    ("next tuesday", "not a date"),
    ("9/2/2024", "not a store date"),
    ("9.2.2024", "not a store date"),
    ("2024-13", "month 13"),
    ("", "empty date"),
]


@pytest.mark.parametrize(("typed", "fragment"), TYPED_INVALID)
def test_parse_typed_invalid(typed: str, fragment: str) -> None:
    """Typed dates are never completed from today; ambiguous forms are refused."""
    with pytest.raises(DateError, match=fragment):
        parse_typed(typed, today=TODAY)


def test_parse_typed_never_uses_today_for_missing_parts() -> None:
    """The answer for a typed date does not depend on `today` unless it says today/yesterday."""
    for typed in ("Feb 2024", "9 Feb 2024", "2024"):
        assert parse_typed(typed, today=D(2000, 1, 31)) == parse_typed(typed, today=D(2030, 7, 4))


def test_import_does_not_load_dateutil() -> None:
    """Importing the module stays cheap: dateutil is loaded only for typed words."""
    root = Path(__file__).resolve().parent.parent
    code = "import sys, timeline.dates; print('dateutil' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- properties -------------------------------------------------------------------------


@st.composite
def single_texts(draw: st.DrawFn) -> str:
    """A valid single date string at year, month or day precision, maybe qualified."""
    year = draw(st.integers(1000, 2999))
    text = f"{year:04d}"
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision != "year":
        month = draw(st.integers(1, 12))
        text += f"-{month:02d}"
        if precision == "day":
            text += f"-{draw(st.integers(1, calendar.monthrange(year, month)[1])):02d}"
    return text + draw(st.sampled_from(["", "?", "~", "%"]))


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """A valid store date: a single date or an interval whose end is not before its start."""
    first = draw(single_texts())
    if not draw(st.booleans()):
        return first
    second = draw(single_texts())
    # Ordering by earliest day is enough: the end's latest is then never before the start.
    a, b = sorted([first, second], key=lambda t: parse(t).earliest)
    return f"{a}/{b}"


@given(date_texts())
def test_round_trip(text: str) -> None:
    """parse(d.text) gives the same date back, with the text unchanged."""
    d = parse(text)
    assert d.text == text
    assert parse(d.text) == d
    assert parse(d.text).sort_key() == d.sort_key()


@given(date_texts())
def test_bounds_are_ordered(text: str) -> None:
    """The earliest possible day is never after the latest."""
    d = parse(text)
    assert d.earliest <= d.latest
    assert display(d)


@given(st.lists(date_texts(), max_size=12))
def test_sort_key_is_total_and_stable(texts: list[str]) -> None:
    """Sorting by sort_key is deterministic, idempotent, and keeps ties in input order."""
    dates = [parse(t) for t in texts]
    once = sorted(dates, key=EDate.sort_key)
    assert sorted(once, key=EDate.sort_key) == once
    # Ties keep input order: sorting (key, index) pairs gives the same indices.
    order = sorted(range(len(dates)), key=lambda i: dates[i].sort_key())
    assert order == sorted(range(len(dates)), key=lambda i: (dates[i].sort_key(), i))
    for a, b in pairwise(once):
        assert a.sort_key() <= b.sort_key()


@given(st.lists(date_texts(), min_size=1, max_size=5))
def test_one_of_bounds_cover_members(texts: list[str]) -> None:
    """A set's bounds are the members' extremes, whatever order they come in."""
    dates = [parse(t) for t in texts]
    d = one_of(dates)
    assert d.earliest == min(x.earliest for x in dates)
    assert d.latest == max(x.latest for x in dates)
    assert one_of(dates[::-1]) == d


@pytest.mark.parametrize("text", ["2004-02-01T10:10:10/2005", "2004-06-XX/2004-07-03"])
def test_level_2_intervals_in_a_store_are_located_errors(tmp_path, capsys, text):
    """A store holding an interval EDTF levels 0-1 do not allow fails to load with its line and field."""
    from tests.test_cli import run

    (tmp_path / "events.toml").write_text(f'[[events]]\nid = "e1"\ndate = "{text}"\ntitle = "T"\n', encoding="utf-8")
    code, out, err = run(capsys, "list", "--format", "plain")
    assert (code, out) == (1, "")
    assert err.startswith(f"timeline: error: events.toml:3: event 'e1': field 'date': \"{text}\": an interval")
    code, out, _ = run(capsys, "check")
    assert code == 1 and f"events.toml:3: E007 error: event 'e1': field 'date': \"{text}\"" in out
