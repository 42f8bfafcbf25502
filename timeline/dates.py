"""Partial, uncertain dates (ISO 8601-2 / EDTF levels 0 and 1) with exact day bounds.

Every date knows its earliest and latest possible calendar day. Days are zone-free: a time
of day is kept as written and never moves the date to another day.

Store date language (what `parse` accepts; the whole string, no surrounding spaces):

- ``2024``, ``2024-02``, ``2024-02-09``: year, month, day. Years are 4 digits, 0001-9999;
  months 01-12; days must exist (``2023-02-29`` is an error, ``2024-02-29`` is fine).
- One qualifier at the very end: ``?`` uncertain, ``~`` approximate, ``%`` both
  (``2024-02?``, ``2024~``, ``2024-02-09%``). Qualifiers leave the bounds unchanged.
- Unspecified digits: ``202X`` (a decade, 2020-2029), ``20XX`` (a century, 2000-2099),
  ``2024-XX`` and ``2024-XX-XX`` (an unknown month of 2024; bounds are the whole year),
  ``2024-02-XX`` (an unknown day of Feb 2024). X only replaces trailing digits.
- A time of day on a full date: ``2024-02-09T14:30Z``, ``2024-02-09T14:30+06:00``,
  ``2024-02-09T14:30:00.5-05``, ``2024-02-09T14:30`` (``HH:MM[:SS[.f]]``, then optionally
  ``Z`` or an offset ``+HH``, ``+HHMM`` or ``+HH:MM``, then optionally a qualifier). The day is
  the day as written, whatever the offset; a time without an offset is a local time, kept as
  written. TOML date and date-time values are read as their ``isoformat()`` text.
  ``HH:MM`` without seconds goes beyond EDTF, which asks for ``HH:MM:SS``, on purpose: sources
  give minutes ("at 14:30"), and writing ``14:30:00`` would claim a precision they lack.
  ISO 8601-1 itself allows the reduced form.
- Seasons (EDTF level 1): ``2024-21`` spring, ``-22`` summer, ``-23`` autumn, ``-24`` winter,
  as Northern-hemisphere meteorological seasons: Mar–May, Jun–Aug, Sep–Nov, and Dec 2024 to
  Feb 2025 for winter 2024.
- Intervals ``START/END``; each end is any of the above. ``..`` is an open end
  (``../2024-02-09``, ``2024-01/..``), an empty end is an unknown end (``/2024-02-09``,
  ``2024-01/``); both give unbounded bounds. At least one end must be a date, and the end
  must not be certainly before the start. As in EDTF levels 0 and 1, an end is a day, month,
  year or season, optionally qualified: no time of day (``2004-02-01T10:10:10/2005``) and no
  unspecified digits (``2004-06-XX/2004-07-03``, ``202X/2024``, which EDTF puts at level 2).
- Not accepted: negative years and years past 9999 (``-1985``, ``Y170000002``: a calendar day
  cannot hold them), sets (``[a,b]``; `one_of` builds them), lower-case ``t``/``z``/``x``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence  # already loaded by dataclasses; `typing` would cost ~3 ms
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from timeline.text import MONTH_ABBREVIATIONS, MONTH_NAMES

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_QUALIFIERS = {"": (False, False), "?": (True, False), "~": (False, True), "%": (True, True)}
# Deliberately loose, so that near-misses get a message naming the part that is wrong.
_LOOSE = re.compile(
    r"(?P<y>[0-9X]+)(?:-(?P<m>[0-9X]*)(?:-(?P<d>[0-9X]*))?)?"
    r"(?:T(?P<clock>[0-9:.]*)(?P<off>Z|[+-][0-9:]*)?)?(?P<q>[?~%]*)"
)
# Only _LOOSE is compiled at import; the rest are rarely needed and compiled (and cached by
# `re`) on first use, which keeps import cheap.
_CLOCK = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?"
_OFFSET = r"Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?"
# Seasons 21-24 as Northern-hemisphere meteorological seasons: (first month, months long).
_SEASONS = {21: ("Spring", 3), 22: ("Summer", 6), 23: ("Autumn", 9), 24: ("Winter", 12)}
# Store syntax never has three letters in a row; typed words like "Feb" always do.
_WORDY = r"[A-Za-z]{3}"
_WEEKDAY = r"(?i)\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
_STORE_HINT = 'write it like "2024-02-09", "2024-02" or "2024"'
_TYPED_HINT = 'write it like "9 Feb 2024", "Feb 2024" or "2024-02-09"'


class DateError(ValueError):
    """A date string that is not valid; str() says what is wrong, quoting the string."""


@dataclass(frozen=True, slots=True)
class EDate:
    """A date at some precision, with the earliest and latest day it can be."""

    text: str
    earliest: date
    latest: date
    # "day" | "month" | "season" | "year" | "decade" | "century" | "interval" | "set"
    precision: str
    uncertain: bool = False
    approximate: bool = False
    start: EDate | None = None
    end: EDate | None = None
    time: str | None = None  # "14:30+06:00", clock and offset as written
    # "../x": the span reaches back indefinitely; "/x" (neither open nor a start) has a start nobody knows.
    open_start: bool = False
    open_end: bool = False  # "x/..": the span goes on indefinitely; "x/": an end nobody knows
    members: tuple[EDate, ...] = ()  # for "set": the dates it is one of

    @property
    def is_interval(self) -> bool:
        return self.precision == "interval"

    def sort_key(self) -> tuple[date, date]:
        return (self.earliest, self.latest)

    # An unbounded end is stored as date.min or date.max, which are also real days (0001-01-01,
    # 9999-12-31); these two tell the bound of "9999-12-31" from the missing one of "2024/..".
    @property
    def known_earliest(self) -> date | None:
        """The earliest possible day, or None when the date reaches back without bound (an open or unknown start)."""
        if self.members:
            return None if any(m.known_earliest is None for m in self.members) else self.earliest
        return None if self.is_interval and self.start is None else self.earliest

    @property
    def known_latest(self) -> date | None:
        """The latest possible day, or None when the date runs on without bound (an open or unknown end)."""
        if self.members:
            return None if any(m.known_latest is None for m in self.members) else self.latest
        return None if self.is_interval and self.end is None else self.latest


@lru_cache(maxsize=1 << 16)
def parse(text: str) -> EDate:
    """Parse a date in the store date language (see the module docstring).

    Dates are values and stores repeat them, so parses are remembered (a large store has far
    fewer distinct dates than events).
    """
    if text == "":
        raise DateError("empty date")
    if text != text.strip():
        raise DateError(f'"{text}": remove the spaces around the date')
    if "/" not in text:
        return _single(text, text)
    parts = text.split("/")
    if len(parts) != 2:
        raise DateError(f'"{text}": not a store date; write dates as "2024-02-09" and intervals as START/END')
    a, b = parts
    if a in ("", "..") and b in ("", ".."):
        raise DateError(f'"{text}": an interval needs at least one known end, e.g. "2024-01/.."')
    for part in (a, b):
        _interval_end(part, text)
    start = None if a in ("", "..") else _single(a, text)
    end = None if b in ("", "..") else _single(b, text)
    if start and end and end.latest < start.earliest:
        raise DateError(f'"{text}": ends before it starts; write the earlier date first')
    ends = [x for x in (start, end) if x]
    return EDate(
        text=text,
        earliest=start.earliest if start else date.min,
        latest=end.latest if end else date.max,
        precision="interval",
        uncertain=any(x.uncertain for x in ends),
        approximate=any(x.approximate for x in ends),
        start=start,
        end=end,
        open_start=a == "..",
        open_end=b == "..",
    )


def _interval_end(part: str, whole: str) -> None:
    """Refuse in an interval end what EDTF levels 0 and 1 allow only in a single date."""
    if "T" in part:
        day = part.split("T", 1)[0]
        raise DateError(f'"{whole}": an interval runs from day to day, so its ends take no time of day; write "{day}"')
    if "X" in part:
        raise DateError(
            f'"{whole}": an interval end cannot have unspecified digits (X); write the known part, '
            'e.g. "2004-06" for "2004-06-XX", or "2020/2024" for "202X/2024"'
        )


def _single(part: str, whole: str) -> EDate:
    """Parse one date (not an interval); errors quote `whole`, the string as written."""
    m = _LOOSE.fullmatch(part)
    if m is None:
        raise _unreadable(part, whole)
    y, mo, d, clock, off, q = m.group("y", "m", "d", "clock", "off", "q")
    if len(q) > 1:
        raise _fail(whole, "use one qualifier at the end: ? uncertain, ~ approximate, % both")
    uncertain, approximate = _QUALIFIERS[q]
    ylo, yhi, precision = _year(y, mo, whole)
    lo, hi = date(ylo, 1, 1), date(yhi, 12, 31)
    if mo is not None and mo != "XX":
        if not re.fullmatch(r"\d\d", mo):
            raise _fail(whole, f'the month "{mo}" must be 01-12 or XX')
        if 21 <= int(mo) <= 24 and d is None and clock is None:
            first, last = _season_span(ylo, int(mo), whole)
            return EDate(part, first, last, "season", uncertain, approximate)
        if not 1 <= int(mo) <= 12:
            raise _fail(whole, f"month {mo} is not 01-12")
        lo, hi, precision = date(ylo, int(mo), 1), _month_end(ylo, int(mo)), "month"
    if d is not None and d != "XX":
        lo = hi = _day(y, mo, d, whole)
        precision = "day"
    time = None if clock is None else _time(clock, off, precision, whole)
    return EDate(part, lo, hi, precision, uncertain, approximate, time=time)


def _fail(whole: str, what: str) -> DateError:
    return DateError(f'"{whole}": {what}')


def _unreadable(part: str, whole: str) -> DateError:
    """The error for text that does not look like a store date at all."""
    for lead, what in (
        ("-", "negative years are not supported"),
        ("Y", "years past 9999 are not supported; a store date is a calendar day"),
        ("[", "sets are not store dates; give one date or an interval START/END"),
    ):
        if part.startswith(lead):
            return _fail(whole, what)
    what = "not a store date" if part == whole else f'"{part}" is not a date'
    return _fail(whole, f"{what}; {_suggest(part)}")


def _year(y: str, mo: str | None, whole: str) -> tuple[int, int, str]:
    """First and last year `y` covers (202X is 2020-2029) and its precision."""
    if len(y) != 4:
        raise _fail(whole, f'the year "{y}" must have 4 digits, e.g. "2024-02-09"')
    if not re.fullmatch(r"\d{4}|\d{3}X|\d{2}XX", y):
        raise _fail(whole, "X may only replace the last digits of a year (202X, 20XX)")
    ylo, yhi = int(y.replace("X", "0")), int(y.replace("X", "9"))
    if ylo == 0:
        raise _fail(whole, "year 0000 is not supported; years run 0001-9999")
    if "X" in y and mo is not None:
        raise _fail(whole, "a decade or century (202X, 20XX) takes no month or day")
    return ylo, yhi, {0: "year", 1: "decade", 2: "century"}[y.count("X")]


def _season_span(year: int, code: int, whole: str) -> tuple[date, date]:
    """First and last day of EDTF season `code` (21-24) in `year`; winter runs into the next year."""
    first = _SEASONS[code][1]
    end_year, end_month = (year + 1, 2) if first == 12 else (year, first + 2)
    if end_year > 9999:
        raise _fail(whole, "winter 9999 runs past the year 9999")
    return date(year, first, 1), _month_end(end_year, end_month)


def _day(y: str, mo: str | None, d: str, whole: str) -> date:
    if mo is None or mo == "XX":
        raise _fail(whole, f'a day needs a known month; write "{y}-XX-XX"')
    year, month = int(y), int(mo)
    last = _month_end(year, month).day
    if not re.fullmatch(r"\d\d", d) or not 1 <= int(d) <= last:
        raise _fail(whole, f"day {d} is not 01-{last} ({MONTH_NAMES[month - 1]} {y} has {last} days)")
    return date(year, month, int(d))


def _time(clock: str, off: str | None, precision: str, whole: str) -> str:
    if precision != "day":
        raise _fail(whole, 'a time of day needs a full date, e.g. "2024-02-09T14:30Z"')
    if not re.fullmatch(_CLOCK, clock):
        raise _fail(whole, f'the time "{clock}" must be HH:MM or HH:MM:SS')
    if off is not None and not re.fullmatch(_OFFSET, off):
        raise _fail(whole, f'the UTC offset "{off}" must be Z, +HH, +HHMM or +HH:MM (or with -)')
    return clock + (off or "")


def _suggest(part: str) -> str:
    """How to write `part` in store syntax, from its reading as a typed date if it has one."""
    if re.search(_WORDY, part):
        try:
            return f'write it as "{_natural(part).text}"'
        except DateError:
            return _STORE_HINT
    return _STORE_HINT


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def from_toml(value: object) -> EDate:
    """Read a date from a TOML value: a string, a local date, or an offset date-time."""
    # datetime is a subclass of date; both go through parse so the store has one language.
    # isoformat() keeps the day and offset as written, exactly as the same text in a string.
    if isinstance(value, (datetime, date)):
        return parse(value.isoformat())
    if isinstance(value, str):
        return parse(value)
    raise DateError(f'expected a date string like "2024-02-09", got {type(value).__name__}')


def display(d: EDate) -> str:
    """Human wording of a date, never more precise than the store."""
    if d.members:
        return " or ".join(display(m) for m in d.members)
    if not d.is_interval:
        return _core(d)
    s, e = d.start, d.end
    if s is None and e is not None:
        return f"until {_core(e)}" if d.open_start else f"? – {_core(e)}"
    if e is None and s is not None:
        return f"from {_core(s)}" if d.open_end else f"{_core(s)} – ?"
    assert s is not None and e is not None
    return _span(s, e)


def _core(d: EDate) -> str:
    """Wording for a single (non-interval) date."""
    e = d.earliest
    words = {
        "day": f"{e.day} {MONTH_ABBREVIATIONS[e.month - 1]} {e.year}",
        "month": f"{MONTH_ABBREVIATIONS[e.month - 1]} {e.year}",
        "year": str(e.year),
        "decade": f"{e.year}s",
        # "20XX" is 2000-2099, which is not the 21st century; say exactly what it is.
        "century": f"{e.year}–{d.latest.year}",
    }.get(d.precision) or _season(d)
    if d.time:
        clock, *off = re.split(r"(?=[Z+-])", d.time, maxsplit=1)
        words += f" {clock}" + (f" {'UTC' if off[0] == 'Z' else off[0]}" if off else "")
    if d.uncertain:
        words += "?"
    if d.approximate:
        words = "c. " + words
    if d.precision in ("month", "year") and "-XX" in d.text:
        words += " (day unknown)" if d.precision == "month" else " (month unknown)"
    return words


def _season(d: EDate) -> str:
    name = _SEASONS[int(d.text[5:7])][0]
    e, last = d.earliest, d.latest
    return f"{name} {e.year}" if e.year == last.year else f"{name} {e.year}–{str(last.year)[-2:]}"


def _span(s: EDate, e: EDate) -> str:
    """Wording for a closed interval, sharing the year or month when both ends are plain."""
    plain = s.precision == e.precision and not any(
        x.uncertain or x.approximate or x.time or "X" in x.text for x in (s, e)
    )
    a, b = s.earliest, e.earliest
    if plain and s.precision == "year":
        return str(a.year) if a.year == b.year else f"{a.year}–{b.year}"
    if plain and a.year == b.year and s.precision == "month":
        if a.month == b.month:
            return _core(s)
        return f"{MONTH_ABBREVIATIONS[a.month - 1]}–{MONTH_ABBREVIATIONS[b.month - 1]} {a.year}"
    if plain and a.year == b.year and s.precision == "day":
        if a == b:
            return _core(s)
        if a.month == b.month:
            return f"{a.day}–{b.day} {MONTH_ABBREVIATIONS[a.month - 1]} {a.year}"
        return f"{a.day} {MONTH_ABBREVIATIONS[a.month - 1]} – {b.day} {MONTH_ABBREVIATIONS[b.month - 1]} {a.year}"
    return f"{_core(s)} – {_core(e)}"


def to_json(d: EDate) -> dict[str, object]:
    """A JSON-ready dict with stable key order; unbounded ends are None."""
    return {
        "date": d.text,
        "earliest": _iso(d.known_earliest),
        "latest": _iso(d.known_latest),
        "precision": d.precision,
        "uncertain": d.uncertain,
        "approximate": d.approximate,
    }


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def one_of(dates: Sequence[EDate]) -> EDate:
    """The date of an event whose sources disagree: one of these, none preferred."""
    members: list[EDate] = []
    for d in dates:
        for m in d.members or (d,):
            if m not in members:
                members.append(m)
    if not members:
        raise DateError("one_of needs at least one date")
    if len(members) == 1:
        return members[0]
    # Ordered (text breaks ties) so a disagreement reads the same whatever order it came in.
    members.sort(key=lambda m: (m.earliest, m.latest, m.text))
    return EDate(
        text="[" + ",".join(m.text for m in members) + "]",
        earliest=min(m.earliest for m in members),
        latest=max(m.latest for m in members),
        precision="set",
        uncertain=any(m.uncertain for m in members),
        approximate=any(m.approximate for m in members),
        members=tuple(members),
    )


def parse_typed(text: str, *, today: date) -> EDate:
    """Parse a date typed on the command line; returns it in canonical store form.

    Accepts the store language plus "today", "yesterday" (relative to `today`) and, in any
    letter case, "9 Feb 2024", "February 9, 2024", "Feb 2024", "February 2024", each with an
    optional qualifier. The precision given is kept; a missing year is an error.
    """
    s = text.strip()
    if s.lower() == "today":
        return parse(today.isoformat())
    if s.lower() == "yesterday":
        return parse((today - timedelta(days=1)).isoformat())
    if re.search(_WORDY, s):
        return _natural(s)
    return parse(s.upper())


def _natural(text: str) -> EDate:
    """Parse "9 Feb 2024", "February 9, 2024", "Feb 2024" (+ optional qualifier) via dateutil.

    Which parts the person wrote is found by parsing twice with two defaults that differ
    in every field: a field that comes out equal both times was written, one that differs
    was filled in. Missing parts are never filled in: a missing year is an error.
    """
    # Imported here, not at the top: it costs milliseconds and only typed words need it.
    from dateutil import parser  # type: ignore[import-untyped]

    body, q = (text[:-1].rstrip(), text[-1]) if text[-1] in "?~%" else (text, "")
    try:
        a = parser.parse(body, default=datetime(2000, 1, 1), ignoretz=True)
        b = parser.parse(body, default=datetime(2004, 2, 15, 1, 1), ignoretz=True)
    except (ValueError, OverflowError) as exc:
        detail = "not a date" if "Unknown string" in str(exc) else str(exc).split(":")[0]
        raise DateError(f'"{text}": {detail}; {_TYPED_HINT}') from None
    if a.year != b.year:
        raise DateError(f'"{text}": the year is missing; write it in full, e.g. "9 Feb 2024"')
    if not re.search(rf"(?<!\d){a.year:04d}(?!\d)", body):
        raise DateError(f'"{text}": write the year with 4 digits, e.g. "9 Feb 2024"')
    if a.month != b.month:
        raise DateError(f'"{text}": the month is missing; write e.g. "9 Feb 2024"')
    if a.hour == b.hour or a.minute == b.minute:
        raise DateError(f'"{text}": for a time of day write e.g. "2024-02-09T14:30+06:00"')
    has_day = a.day == b.day
    day = re.search(_WEEKDAY, body)
    if day and (not has_day or _WEEKDAYS.index(day.group(1).lower()) != a.weekday()):
        raise DateError(f'"{text}": the weekday does not fit; write the date without it, e.g. "9 Feb 2024"')
    canonical = f"{a.year:04d}-{a.month:02d}" + (f"-{a.day:02d}" if has_day else "")
    return parse(canonical + q)


def overlaps(d: EDate, lo: date | None, hi: date | None) -> bool:
    """May `d` fall within [lo, hi]? None is unbounded."""
    if d.members:
        return any(overlaps(m, lo, hi) for m in d.members)
    return (hi is None or d.earliest <= hi) and (lo is None or d.latest >= lo)


def within(d: EDate, lo: date | None, hi: date | None) -> bool:
    """Is `d` certainly within [lo, hi]? None is unbounded."""
    return (lo is None or d.earliest >= lo) and (hi is None or d.latest <= hi)
