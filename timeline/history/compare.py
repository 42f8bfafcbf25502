"""What changed in a fact: events, actors and sources compared by id, field by field.

Facts are compared as the store writes them (the parsed TOML tables), keyed by id, never by
position: an event moved within the file, or a file reformatted, has not changed. Values are
kept in the store's own spelling (`date: 2024-02-11 → 2024-02-09`), with TOML dates as their
ISO text so that `date = 2024-02-09` and `date = "2024-02-09"` are the same value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

# Table name in the store -> the kind a change names.
KINDS = {"events": "event", "actors": "actor", "sources": "source"}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's value before and after; None on the side where the field is absent."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Change:
    """A fact added, removed or changed; `fields` lists every field that differs (all of them when added or removed)."""

    change: str  # "added", "removed" or "changed"
    kind: str  # "event", "actor" or "source"
    id: str
    fields: tuple[FieldChange, ...]


def plain(value: Any) -> Any:
    """A parsed TOML value as JSON-ready data: dates and times become their ISO text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return value


def find(data: Mapping[str, Any], table: str, ident: str) -> dict[str, Any] | None:
    """The table of fact `ident` under `table` ("events", "actors" or "sources") in parsed store data."""
    if table == "events":
        events = data.get("events")
        if isinstance(events, list):
            for e in events:
                if isinstance(e, dict) and e.get("id") == ident:
                    return plain(e)
        return None
    entries = data.get(table)
    found = entries.get(ident) if isinstance(entries, dict) else None
    return plain(found) if isinstance(found, dict) else None


def facts(data: Mapping[str, Any], table: str) -> dict[str, dict[str, Any]]:
    """Every fact under `table` by id, in store order (the first of a duplicated event id)."""
    out: dict[str, dict[str, Any]] = {}
    if table == "events":
        events = data.get("events")
        for e in events if isinstance(events, list) else ():
            if isinstance(e, dict) and isinstance(e.get("id"), str):
                out.setdefault(e["id"], plain(e))
        return out
    entries = data.get(table)
    for ident, raw in entries.items() if isinstance(entries, dict) else ():
        if isinstance(raw, dict):
            out[ident] = plain(raw)
    return out


def fields(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> tuple[FieldChange, ...]:
    """The fields that differ, in the newer table's key order, then those only the older has; `id` is the key."""
    old, new = old or {}, new or {}
    keys = [k for k in new if k != "id"] + [k for k in old if k not in new and k != "id"]
    return tuple(FieldChange(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k))


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every fact added, removed or changed from `old` to `new` (parsed store data): events, actors, then sources."""
    return [c for table in KINDS for c in _compare_table(old, new, table)]


def _compare_table(old: Mapping[str, Any], new: Mapping[str, Any], table: str) -> Iterator[Change]:
    kind = KINDS[table]
    before, after = facts(old, table), facts(new, table)
    for ident, now in after.items():
        was = before.get(ident)
        if was is None:
            yield Change("added", kind, ident, fields(None, now))
        elif was != now:
            yield Change("changed", kind, ident, fields(was, now))
    for ident, was in before.items():
        if ident not in after:
            yield Change("removed", kind, ident, fields(was, None))


def listed(old: Any, new: Any) -> tuple[list[Any], list[Any]] | None:
    """For two lists, the items only `new` has and those only `old` has (each as often as it is extra); else None."""
    if not isinstance(old, list) and not isinstance(new, list):
        return None
    if not isinstance(old or [], list) or not isinstance(new or [], list):
        return None
    rest = list(old or [])
    added = []
    for item in new or []:
        if item in rest:
            rest.remove(item)
        else:
            added.append(item)
    return added, rest
