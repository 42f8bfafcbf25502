"""Dates a source gives relative to its own publication day: "last Friday", "yesterday", "3 days ago".

Reports say "on Monday" and mean the Monday before they were published; the store must not
read that against today. `resolve` reads a phrase against the publication day (the anchor) and
returns a store date, as precise as the phrase: "last Friday" is a day, "last month" a month,
"last week" the days of that week. Pure; plain calendar arithmetic.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from timeline import dates
from timeline.text import MONTH_ABBREVIATIONS, short

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_DAY_NAMES = {"today": 0, "yesterday": -1, "the day before yesterday": -2, "tomorrow": 1, "the day after tomorrow": 2}
FORMS = (
    "today, yesterday, the day before yesterday, tomorrow, N days/weeks ago, last Friday, "
    "(on) Friday, next Friday, last/this/next week, month or year"
)
_AGO = re.compile(r"(\d{1,3}|" + "|".join(_NUMBERS) + r"|a|an) (day|week)s? ago")
_WEEKDAY = re.compile(r"(?:(last|next|this|on) )?(" + "|".join(WEEKDAYS) + ")")
_PERIOD = re.compile(r"(last|this|next) (week|month|year)")


class PhraseError(ValueError):
    """A phrase this module cannot read, or an anchor it cannot be read against."""


def _normal(phrase: str) -> str:
    return " ".join(phrase.casefold().replace(",", " ").split()).removeprefix("on ")


def understood(phrase: str) -> bool:
    """Is `phrase` one of the relative forms (whatever the anchor)?"""
    p = _normal(phrase)
    return p in _DAY_NAMES or bool(_AGO.fullmatch(p) or _WEEKDAY.fullmatch(p) or _PERIOD.fullmatch(p))


def resolve(phrase: str, anchor: date) -> dates.EDate:
    """The date `phrase` means in a report published on `anchor`; PhraseError when not understood.

    "last Friday" is the latest Friday before the anchor; a bare "Friday" (or "on Friday") the
    latest Friday on or before it, as reports use it for the past week; "next Friday" the first
    after it. Weeks run Monday to Sunday.
    """
    try:
        return _resolve(phrase, anchor)
    except OverflowError:
        raise PhraseError(
            f'"{short(phrase)}" in a report of {anchor.isoformat()} is outside the years 0001-9999'
        ) from None


def _resolve(phrase: str, anchor: date) -> dates.EDate:
    p = _normal(phrase)
    if p in _DAY_NAMES:
        return _day(anchor + timedelta(days=_DAY_NAMES[p]))
    m = _AGO.fullmatch(p)
    if m:
        count, unit = m.groups()
        n = 1 if count in ("a", "an") else int(count) if count.isdigit() else _NUMBERS.index(count) + 1
        return _day(anchor - timedelta(days=n * (7 if unit == "week" else 1)))
    m = _WEEKDAY.fullmatch(p)
    if m:
        which, name = m.groups()
        wd = WEEKDAYS.index(name)
        back = (anchor.weekday() - wd) % 7
        if which == "next":
            return _day(anchor + timedelta(days=(wd - anchor.weekday() - 1) % 7 + 1))
        if which == "this":
            # "this Friday" names the Friday of the anchor's own week, before or after it.
            return _day(anchor + timedelta(days=wd - anchor.weekday()))
        return _day(anchor - timedelta(days=back or (7 if which == "last" else 0)))
    m = _PERIOD.fullmatch(p)
    if m:
        return _period(m.group(1), m.group(2), anchor)
    raise PhraseError(
        f'"{short(phrase)}" is not a date relative to the report that timeline can read; use one of: {FORMS}'
    )


def _day(d: date) -> dates.EDate:
    if not date(1, 1, 1) <= d <= date(9999, 12, 31):
        raise PhraseError(f"{d} is outside the years 0001-9999")
    return dates.parse(d.isoformat())


def _period(which: str, unit: str, anchor: date) -> dates.EDate:
    step = {"last": -1, "this": 0, "next": 1}[which]
    try:
        if unit == "year":
            return dates.parse(f"{anchor.year + step:04d}")
        if unit == "month":
            months = anchor.year * 12 + anchor.month - 1 + step
            return dates.parse(f"{months // 12:04d}-{months % 12 + 1:02d}")
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
        return dates.parse(f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}")
    except (dates.DateError, OverflowError, ValueError) as e:
        raise PhraseError(f"{which} {unit} of {anchor.isoformat()} is outside the years 0001-9999 ({e})") from None


def anchor_day(published: dates.EDate | None) -> date:
    """The day a relative phrase is read against: the citation's publication day, which must be one day."""
    if published is None:
        raise PhraseError('needs the day the source was published: add published = "2024-02-12"')
    if published.precision != "day" or published.earliest != published.latest:
        raise PhraseError(f"needs a publication day, not {dates.display(published)}, to be read against")
    return published.earliest


def weekday_label(d: date) -> str:
    """'Fri 9 Feb 2024'."""
    return f"{WEEKDAYS[d.weekday()][:3].title()} {d.day} {MONTH_ABBREVIATIONS[d.month - 1]} {d.year:04d}"


def wording(resolved: dates.EDate) -> str:
    """How a resolved phrase is shown: 'Fri 9 Feb 2024' for a day, else the usual date wording."""
    if resolved.precision == "day" and not resolved.is_interval:
        return weekday_label(resolved.earliest)
    return dates.display(resolved)
