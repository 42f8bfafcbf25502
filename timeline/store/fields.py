"""What `timeline.schema` reads one field with: problem codes, places, and checked readers of values.

Every reader takes the Collector, adds any problem it finds (placed by a Where) and returns the
value, or None / () when there is none to use. Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from timeline import dates
from timeline.model import Problem
from timeline.store.locate import Locator
from timeline.text import did_you_mean, printable, short, suggest

# The one rule for ids, shared by the schema and by the writers that make ids.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
ID_RULE = "use letters, digits, '-', '_' or '.', starting with a letter or digit"

# Codes shared with `timeline check`; load() stops on any error among them.
UNKNOWN_KEY = "E002"
MISSING = "E003"
BAD_VALUE = "E004"
DUPLICATE = "E005"
DANGLING = "E006"
BAD_DATE = "E007"
REVERSED = "E008"  # an interval whose end is certainly before its start
ROLE_SPAN = "E011"  # an office whose end is certainly before its start

_SHORT = 60


class Where:
    """Where a problem sits: a table, optionally a key in it, optionally an item of that key's list."""

    __slots__ = ("table", "key", "index")

    def __init__(self, table: str, key: str | None = None, index: int | None = None) -> None:
        self.table, self.key, self.index = table, key, index

    def at(self, key: str, index: int | None = None) -> Where:
        return Where(self.table, key, index)

    def field(self, key: str) -> Where:
        """The place of `key` in this table; inside a list item, the item itself."""
        return self if self.index is not None else self.at(key)


class Anything:
    """Stands for the known actors or sources when a table already known to be valid is read again."""

    def __contains__(self, item: object) -> bool:
        return True


class Collector:
    """Problems plus the lazily built line finder that places them."""

    def __init__(self, text: str, name: str = "", actor_ids: Any = (), source_ids: Any = ()) -> None:
        self.text = text
        self.name = name
        self.problems: list[Problem] = []
        self.actor_ids = actor_ids
        self.source_ids = source_ids

    @cached_property
    def locator(self) -> Locator:
        # Built only when something needs placing: a clean load never scans the text.
        return Locator(self.text)

    def add(self, code: str, where: Where, message: str, event_id: str | None = None) -> None:
        problem = Problem(code, "error", printable(message), self.name, self.line(where), event_id=event_id)
        self.problems.append(problem)

    def line(self, where: Where) -> int | None:
        loc = self.locator
        if where.key is not None and where.index is not None:
            line = loc.item(where.table, where.key, where.index)
        elif where.key is not None:
            line = loc.key(where.table, where.key)
        else:
            line = loc.table(where.table)
        # Fall back to the nearest enclosing table that is written down.
        table = where.table
        while line is None and table:
            table = table.rpartition(".")[0]
            line = loc.table(table) if table else None
        if line is None and where.key and not where.table:
            line = loc.top_key(where.key)
        return line


def check_keys(
    c: Collector, raw: dict, allowed: tuple[str, ...], where: Where, what: str, eid: str | None = None
) -> None:
    """An E002 for each key of `raw` not in `allowed`."""
    for key in raw:
        if key not in allowed:
            c.add(
                UNKNOWN_KEY,
                where.field(key),
                f"{what}: field '{short(key)}': unknown key; {suggest(key, allowed)}",
                eid,
            )


def text_field(
    c: Collector, raw: dict, key: str, where: Where, what: str, *, required: str | None = None, eid: str | None = None
) -> str | None:
    """A string field; `required` is the hint shown when it is missing or empty."""
    value = raw.get(key)
    if value is None:
        if required:
            c.add(MISSING, where, f"{what}: field '{key}': missing; {required}", eid)
        return None
    if not isinstance(value, str):
        c.add(BAD_VALUE, where.field(key), f"{what}: field '{key}': expected a string, got {kind_of(value)}", eid)
        return None
    if required and not value.strip():
        c.add(MISSING, where.field(key), f"{what}: field '{key}': empty; {required}", eid)
    return value


def text_list(c: Collector, raw: dict, key: str, where: Where, what: str, eid: str | None = None) -> tuple[str, ...]:
    """A list-of-strings field; () when it is absent or has a wrong item."""
    value = raw.get(key)
    if value is None:
        return ()
    hint = f'{what}: field \'{key}\': expected a list of strings, like {key} = ["a", "b"]'
    if not isinstance(value, list):
        c.add(BAD_VALUE, where.field(key), f"{hint}, got {kind_of(value)}", eid)
        return ()
    for n, item in enumerate(value):
        if not isinstance(item, str):
            at = where if where.index is not None else where.at(key, n)
            c.add(BAD_VALUE, at, f"{hint}; item {n + 1} is {kind_of(item)}", eid)
            return ()
    return tuple(value)


def choice_field(
    c: Collector, raw: dict, key: str, choices: tuple, where: Where, what: str, eid: str | None = None
) -> Any:
    """A field whose value is one of `choices` (all strings or all integers); a wrong one names the closest."""
    if key not in raw:
        return None
    value, numbers = raw[key], isinstance(choices[0], int)
    if value in choices and not isinstance(value, bool) and isinstance(value, int) == numbers:
        return value
    words = ", ".join(str(x) for x in choices)
    if numbers and isinstance(value, str) and value.strip() in [str(x) for x in choices]:
        hint = f"got the string '{short(value)}'; write {value.strip()} without quotes"
    elif numbers or not isinstance(value, str):
        number = isinstance(value, int) and not isinstance(value, bool)
        hint = f"expected one of {words}, got " + (str(value) if number else kind_of(value))
    else:
        same = [x for x in choices if x.casefold() == value.strip().casefold()]
        close = f"did you mean '{same[0]}'?" if same else did_you_mean(value, choices, n=1)
        hint = f"'{short(value)}' is not one of {words}" + (f"; {close}" if close else "")
    c.add(BAD_VALUE, where.field(key), f"{what}: field '{key}': {hint}", eid)
    return None


def date_field(c: Collector, value: Any, where: Where, what: str, eid: str | None = None) -> dates.EDate | None:
    """A date, from a string in the store's date language or a TOML date."""
    if not isinstance(value, (str, date)):
        c.add(BAD_DATE, where, f'{what}: expected a date like "2024-02-09" (quoted or not), got {kind_of(value)}', eid)
        return None
    try:
        return dates.from_toml(value)
    except dates.DateError as e:
        message = str(e)
        if isinstance(value, str) and len(value) > _SHORT:
            message = message.replace(value, short(value))
        c.add(REVERSED if _reversed(value) else BAD_DATE, where, f"{what}: {message}", eid)
        return None


def _reversed(value: Any) -> bool:
    """Is `value` an interval START/END whose two ends parse but are in the wrong order?"""
    # DateError carries only a message; parsing the two ends tells this case apart without it.
    if not isinstance(value, str) or value.count("/") != 1:
        return False
    try:
        start, end = (dates.parse(part) for part in value.split("/"))
    except dates.DateError:
        return False
    return end.latest < start.earliest


# How a message names a TOML value's type; the more specific first (a bool is an int, a datetime a date).
_KINDS = (
    (bool, "a boolean"),
    ((int, float), "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "a table"),
    (datetime, "a date-time"),
    (date, "a date"),
    (time, "a time of day"),
)


def kind_of(value: Any) -> str:
    """What a TOML value is, for "got …" in a message: "a number", "a list", "a date-time"."""
    return next((name for types, name in _KINDS if isinstance(value, types)), f"a {type(value).__name__}")


def bad_id(c: Collector, ident: str, where: Where, what: str, eid: str | None = None) -> bool:
    """Add an E004 and return True when `ident` is not a valid id."""
    if ID.fullmatch(ident):
        return False
    field = "field 'id': " if where.key == "id" else ""
    c.add(BAD_VALUE, where, f"{what}: {field}'{short(ident)}' is not a valid id; {ID_RULE}", eid)
    return True


def country_problem(code: str) -> str | None:
    """Why `code` is not a country as the store writes it (ISO 3166-1 alpha-2, upper case), or None."""
    if re.fullmatch(r"[A-Z]{2}", code):
        return None
    return f"'{short(code)}' is not an ISO 3166-1 alpha-2 code like \"KG\""


def id_problem(ident: str) -> str | None:
    """Why `ident` cannot be an id, or None when it can."""
    return None if ID.fullmatch(ident) else f"'{short(ident)}' is not a valid id: {ID_RULE}"


def check_ref(c: Collector, ref: str, known: Any, kind: str, where: Where, what: str, eid: str | None) -> None:
    """An E006 when `ref` names no entry of `kind` ("actors", "sources" or "events") in `known`."""
    if ref not in known:
        c.add(DANGLING, where, f"{what}: unknown {kind[:-1]} '{short(ref)}'; {_ref_hint(ref, known, kind)}", eid)


def _ref_hint(ref: str, known: Any, kind: str) -> str:
    hint = did_you_mean(ref, known, cutoff=0.5)
    if hint:
        return hint
    if kind == "events":
        return "check the id"
    return f"add it under [{kind}.{short(ref)}] or fix the id"
