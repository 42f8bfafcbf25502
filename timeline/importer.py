"""New events from outside: flags, CSV, our JSON export, TimelineJS -> checked [[events]] tables.

`check` is the one gate: `timeline add` is an import of one row. Every problem of every row is
collected before anything is written, so a file with one bad row imports nothing and says where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from timeline import dates, ids
from timeline.errors import TimelineError, UsageError
from timeline.model import Store

REFS = ("in_response_to", "after", "before")
CSV_COLUMNS = ("id", "date", "title", "summary", "type", "actors", "tags", "sources", *REFS)
CSV_REQUIRED = ("date", "title")
FORMATS = ("csv", "json", "timelinejs")
# Keys of `timeline list --format json`; the derived ones are recomputed, so not read back.
_DERIVED = ("earliest", "latest", "precision", "uncertain", "approximate", "display")
_EXPORT_KEYS = (
    *("id", "date", "title", "summary", "type", "actors", "roles", "tags", "sources", "citations"),
    *(*REFS, "claims", *_DERIVED),
)


@dataclass(frozen=True, slots=True)
class Row:
    """One would-be event as read: where it came from and its fields, not yet checked."""

    where: str  # "data.csv:5", "data.json: event 3"; "" for the command line
    fields: dict[str, Any]
    # Dates as people type them ("9 Feb 2024"); False for our JSON, which holds store dates.
    typed: bool = True
    problems: tuple[str, ...] = ()  # found while reading


@dataclass(slots=True)
class Checked:
    """The outcome of checking rows: tables to write, ids skipped, and every problem."""

    events: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    bad_rows: int = 0


class Finders:
    """The id finders for one check: what the store knows plus the rows seen so far."""

    def __init__(self, store: Store, today: date) -> None:
        self.today = today
        self.actors = ids.Names(
            "actor",
            store.actors,
            {a.id: (a.name, *a.aliases) for a in store.actors.values()},
            hint="register it with 'timeline actors add'",
        )
        self.sources = ids.Names(
            "source", store.sources, {s.id: (s.name,) for s in store.sources.values()},
            hint="register it with 'timeline sources add'",
        )  # fmt: skip
        self.events = ids.Names("event", store.by_id, {e.id: (e.title,) for e in store.events}, hint="")


def check(
    rows: Sequence[Row],
    store: Store,
    *,
    today: date,
    skip_existing: bool = False,
    importing: bool = False,
    step: Callable[[], None] | None = None,
) -> Checked:
    """Check every row against the store and each other; a bad row is reported, never raised.

    When `importing`, a row without an id whose date and title equal an event's in the store is
    that event, so importing the same file twice is caught instead of doubling the store.
    """
    refs = Finders(store, today)
    seen = {(e.date.text, e.title): e.id for e in store.events} if importing else {}
    taken = set(store.by_id)
    out = Checked()
    # Ids first, so that a row may refer to an event further down the same file.
    planned: list[tuple[Row, str | None, list[str]]] = []
    first: dict[str, str] = {}
    for row in rows:
        problems = list(row.problems)
        eid = _own_id(row, problems, store, seen, first, out, skip_existing, importing, today)
        if eid == "":
            continue
        if eid is not None:
            taken.add(eid)
            first[eid] = row.where
            refs.events.add(eid)
        planned.append((row, eid, problems))
    for row, eid, problems in planned:
        table = _table(row, eid, problems, refs)
        if problems:
            out.bad_rows += 1
            out.problems.extend(f"{row.where}: {p}" if row.where else p for p in problems)
        elif table is not None:
            if eid is None:
                when = table["date"] if "date" in table else table["dates"][0]["date"]
                eid = ids.unique(ids.event_id(when, table["title"]), taken)
                taken.add(eid)
                table = {"id": eid, **table}
            out.events.append(table)
        if step:
            step()
    return out


def _own_id(row, problems, store, seen, first, out, skip_existing, importing, today) -> str | None:
    """The row's own id (checked); None to make one up later; "" when the row is skipped."""
    eid = row.fields.get("id")
    if eid is None or eid == "":
        existing = seen.get((_date_text(row, today), row.fields.get("title")))
        if existing is None:
            return None
        if skip_existing:
            out.skipped.append(existing)
            return ""
        problems.append(f"already in the store as '{existing}' (same date and title); pass --skip-existing to skip it")
        return None
    bad = "expected text" if not isinstance(eid, str) else ids.id_problem(eid)
    if bad:
        problems.append(f"field 'id': {bad}")
        return None
    if eid in store.by_id:
        if skip_existing:
            out.skipped.append(eid)
            return ""
        line = store.by_id[eid].line
        skip = " or pass --skip-existing" if importing else ""
        problems.append(f"field 'id': '{eid}' is already used (line {line}); choose another id{skip}")
        return None
    if eid in first:
        problems.append(f"field 'id': '{eid}' is used twice (first at {first[eid] or 'the command line'})")
        return None
    return eid


def _date_text(row: Row, today: date) -> str | None:
    raw = row.fields.get("date")
    try:
        return _when(raw, row.typed, today).text if isinstance(raw, str) else None
    except dates.DateError:
        return None


def _when(raw: str, typed: bool, today: date) -> dates.EDate:
    return dates.parse_typed(raw, today=today) if typed else dates.parse(raw)


def _table(row: Row, eid: str | None, problems: list[str], refs: Finders) -> dict[str, Any] | None:
    """The [[events]] table for a row, keys in the store's order; problems are appended."""
    f = row.fields
    table: dict[str, Any] = {} if eid is None else {"id": eid}
    if f.get("dates"):
        table["dates"] = _claims(f["dates"], row.typed, refs, problems)
    elif not isinstance(f.get("date"), str) or not f["date"].strip():
        problems.append("missing the date; give it like 2024-02-09, 2024-02, 2024 or '9 Feb 2024'")
    else:
        try:
            table["date"] = _when(f["date"], row.typed, refs.today).text
        except dates.DateError as e:
            problems.append(f"field 'date': {e}")
    for name in ("title", "summary", "type"):
        v = f.get(name)
        if v is not None and not isinstance(v, str):
            problems.append(f"field '{name}': expected text, got {v!r}")
        elif v is not None and v.strip():
            table[name] = v.strip() if row.typed else v
    if "title" not in table:
        problems.append("missing the title; every event needs one")
    table["actors"] = _each(f, "actors", problems, lambda a: _actor(a, refs.actors))
    table["tags"] = list(dict.fromkeys(_each(f, "tags", problems, _tag)))
    table["sources"] = _each(f, "sources", problems, lambda s: _citation(s, refs.sources))
    for name in REFS:
        table[name] = _each(f, name, problems, partial(_event_ref, events=refs.events, name=name))
        if eid is not None and eid in table[name]:
            problems.append(f"field '{name}': an event cannot refer to itself")
    return {k: v for k, v in table.items() if v != []}


def _each(f: dict, name: str, problems: list[str], one: Callable[[Any], Any]) -> list:
    """Apply `one` to each item of list field `name`; a ValueError becomes a problem."""
    items = f.get(name)
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"field '{name}': expected a list, got {items!r}")
        return []
    out = []
    for item in items:
        try:
            out.append(one(item))
        except (ValueError, ids.Unknown) as e:
            problems.append(str(e) if str(e).startswith("field '") else f"field '{name}': {e}")
    return out


def _tag(item: Any) -> str:
    if not isinstance(item, str) or not item.strip():
        raise ValueError(f"field 'tags': expected a tag, got {item!r}")
    return item.strip()


def _actor(item: Any, actors: ids.Names) -> str | dict:
    aid, role = (item.get("id"), item.get("role")) if isinstance(item, dict) else (item, None)
    if not isinstance(aid, str) or not aid.strip() or not isinstance(role, (str, type(None))):
        raise ValueError(f"field 'actors': expected an actor id or name, got {item!r}")
    found = actors.find(aid.strip())
    return {"id": found, "role": role} if role else found


def _citation(item: Any, sources: ids.Names) -> str | dict:
    sid, extra = item, {}
    if isinstance(item, dict):
        sid = item.get("id")
        extra = {k: v for k, v in item.items() if k != "id" and v is not None}
        if set(extra) - {"url", "published", "note"} or not all(isinstance(v, str) for v in extra.values()):
            raise ValueError(f"field 'sources': a citation has id, url, published and note, as text; got {item!r}")
        if "published" in extra:
            try:
                dates.parse(extra["published"])
            except dates.DateError as e:
                raise ValueError(f"field 'sources': published: {e}") from None
    if not isinstance(sid, str) or not sid.strip():
        raise ValueError(f"field 'sources': expected a source id or name, got {item!r}")
    found = sources.find(sid.strip())
    return {"id": found, **extra} if extra else found


def _event_ref(item: Any, events: ids.Names, name: str) -> str:
    if not isinstance(item, str) or not item.strip():
        raise ValueError(f"field '{name}': expected an event id, got {item!r}")
    return events.find(item.strip())


def _claims(raw: Any, typed: bool, refs: Finders, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        problems.append("field 'dates': expected a list of claims {date, sources, preferred, note}")
        return []
    out = []
    for c in raw:
        try:
            claim: dict[str, Any] = {"date": _when(c.get("date") or "", typed, refs.today).text}
        except (dates.DateError, AttributeError) as e:
            problems.append(f"field 'dates': {e}")
            continue
        cited = _each(c, "sources", problems, lambda s: _claim_source(s, refs.sources))
        if cited:
            claim["sources"] = cited
        if c.get("preferred") is True:
            claim["preferred"] = True
        if isinstance(c.get("note"), str):
            claim["note"] = c["note"]
        out.append(claim)
    return out


def _claim_source(item: Any, sources: ids.Names) -> str:
    if not isinstance(item, str):
        raise ValueError(f"field 'dates': a claim's sources are source ids, got {item!r}")
    return sources.find(item)


# Readers -----------------------------------------------------------------------------------


def detect(name: str, text: str) -> str:
    """csv, json (our export) or timelinejs, from the file's name and first character."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "[":
        return "json"
    if start == "{":
        return "timelinejs"
    if name.lower().endswith(".json"):
        raise UsageError(f"{name}: not a JSON list of events nor TimelineJS; pass --format")
    return "csv"


def read(name: str, text: str, fmt: str) -> list[Row]:
    """The rows of an import file; a file that cannot be read as `fmt` at all raises."""
    if fmt == "csv":
        return csv_rows(name, text)
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TimelineError(f"{name}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    if fmt == "json":
        if not isinstance(data, list):
            raise TimelineError(f"{name}: expected a JSON list of events, as 'timeline list --format json' writes")
        return [export_row(item, f"{name}: event {n}") for n, item in enumerate(data, start=1)]
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise TimelineError(f'{name}: expected TimelineJS JSON, an object with an "events" list')
    return [timelinejs_row(item, f"{name}: event {n}") for n, item in enumerate(data["events"], start=1)]


def csv_rows(name: str, text: str) -> list[Row]:
    """Rows of a CSV with a header line; list cells are separated by ';'. Line 1 is the header."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as e:
        raise TimelineError(f"{name}:1: cannot read the CSV header: {e}") from None
    for h in header:
        if h not in CSV_COLUMNS:
            from timeline.schema import suggest

            raise TimelineError(f"{name}:1: unknown column '{h}'; {suggest(h, CSV_COLUMNS)}")
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise TimelineError(f"{name}:1: the header needs the column '{missing[0]}' (columns: {','.join(CSV_COLUMNS)})")
    if len(set(header)) != len(header):
        raise TimelineError(f"{name}:1: a column appears twice in the header")
    rows = []
    line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise TimelineError(f"{name}:{reader.line_num}: cannot read the CSV: {e}") from None
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        problems = () if len(cells) <= len(header) else (f"has {len(cells)} cells; the header has {len(header)}",)
        f: dict[str, Any] = {}
        for col, cell in zip(header, cells):  # noqa: B905 (a short row leaves the last cells empty)
            if col in ("actors", "tags", "sources", *REFS):
                f[col] = [x.strip() for x in cell.split(";") if x.strip()]
            elif cell.strip():
                f[col] = cell.strip()
        rows.append(Row(f"{name}:{start}", f, typed=True, problems=problems))
    return rows


def export_row(item: Any, where: str) -> Row:
    """A Row from one object of `timeline list --format json`."""
    if not isinstance(item, dict):
        return Row(where, {}, typed=False, problems=("expected a JSON object",))
    unknown = tuple(
        f"unknown field '{k}'; an exported event has: {', '.join(_EXPORT_KEYS)}" for k in item if k not in _EXPORT_KEYS
    )
    f: dict[str, Any] = {k: item.get(k) for k in ("id", "date", "title", "summary", "type", "tags", *REFS)}
    roles: dict[str, Any] = item["roles"] if isinstance(item.get("roles"), dict) else {}
    actors = item.get("actors")
    f["actors"] = (
        [{"id": a, "role": roles[a]} if a in roles else a for a in actors] if isinstance(actors, list) else actors
    )
    if "citations" in item and isinstance(item["citations"], list):
        f["sources"] = [_compact(c) for c in item["citations"]]
    else:
        f["sources"] = item.get("sources")
    if item.get("claims"):
        claims = item["claims"]
        f["dates"] = [_compact(c, keep=("date", "sources", "preferred", "note")) for c in claims] if isinstance(
            claims, list) else claims  # fmt: skip
    return Row(where, f, typed=False, problems=unknown)


def _compact(item: Any, keep: tuple[str, ...] = ("id", "url", "published", "note")) -> Any:
    """A citation or claim without its empty keys; a citation of only an id becomes the id."""
    if not isinstance(item, dict):
        return item
    out = {k: item[k] for k in keep if item.get(k) is not None}
    return out["id"] if set(out) == {"id"} else out


def timelinejs_row(item: Any, where: str) -> Row:
    """A Row from one TimelineJS slide: start/end date, headline, text (HTML), group as type, unique_id."""
    if not isinstance(item, dict):
        return Row(where, {}, problems=("expected a JSON object",))
    problems: list[str] = []
    when = _tljs_date(item.get("start_date"), "start_date", problems)
    if item.get("end_date"):
        end = _tljs_date(item.get("end_date"), "end_date", problems)
        when = f"{when}/{end}" if when and end else None
    text: dict[str, Any] = item["text"] if isinstance(item.get("text"), dict) else {}
    f: dict[str, Any] = {"date": when, "title": _plain(text.get("headline")), "summary": _plain(text.get("text"))}
    # Our own TimelineJS export writes the event's type as the slide's group.
    f["type"] = _plain(item.get("group"))
    uid = item.get("unique_id")
    if isinstance(uid, str) and ids.id_problem(uid) is None:
        f["id"] = uid
    return Row(where, f, typed=False, problems=tuple(problems))


def _tljs_date(raw: Any, name: str, problems: list[str]) -> str | None:
    if not isinstance(raw, dict) or raw.get("year") in (None, ""):
        problems.append(f"'{name}' needs at least a year")
        return None
    parts = []
    for key, width in (("year", 4), ("month", 2), ("day", 2)):
        v = raw.get(key)
        if v in (None, ""):
            break
        if not re.fullmatch(r"\d{1,4}", str(v).strip()):
            problems.append(f"'{name}': {key} {v!r} is not a number")
            return None
        parts.append(f"{int(str(v)):0{width}d}")
    return "-".join(parts)


def _plain(html_text: Any) -> str | None:
    """TimelineJS text is HTML: tags dropped, entities decoded, paragraphs kept as lines."""
    if not isinstance(html_text, str):
        return None
    import html

    # Our own TimelineJS export appends who and which sources; the store keeps those as fields.
    text = re.sub(r"<p>Actors: [^<]*</p>|<p>Sources:</p><ol>.*?</ol>", "", html_text, flags=re.DOTALL)
    text = re.sub(r"(?i)<br\s*/?>|</(?:p|li|div|h\d|ol|ul)\s*>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None
