"""New events from outside, as Rows (from flags or timeline.import_files) -> checked [[events]] tables.

`check` is the one gate: `timeline add` is an import of one row. Every problem of every row is
collected before anything is written, so a file with one bad row imports nothing and says where.

Actors and sources the store does not know are registered on the way when the file defines them
(our own exports carry each id with its name: `Row.defs`) or when asked (`register`, for names
from elsewhere, e.g. coded event data); otherwise each unknown name is reported once, with how
many rows use it and where it first appears.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from timeline import dates
from timeline.model import CREDIBILITY, STATUSES, Problem, Store
from timeline.query.resolve import Ambiguous, Names, Unknown, actor_names, source_names
from timeline.text import fold, short
from timeline.write import ids

REFS = ("in_response_to", "after", "before")
_SUGGESTED = 20  # unknown names that get "closest: …" suggestions


@dataclass(frozen=True, slots=True)
class Row:
    """One would-be event as read: where it came from and its fields, not yet checked."""

    fields: dict[str, Any]
    file: str = ""  # "" for the command line
    line: int | None = None  # the row's first line in the file
    # Dates as people type them ("9 Feb 2024"); False for our JSON, which holds store dates.
    typed: bool = True
    problems: tuple[Problem, ...] = ()  # found while reading
    # Actors and sources the file itself describes: kind -> the reference as the row writes it ->
    # the fields to register it with ({"name": …, "country": …}; "id" when the file gives one).
    defs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def problem(self, code: str, message: str, field: str | None = None) -> Problem:
        """A problem of this row, placed at its file and line."""
        return Problem(code, "error", message, self.file or None, self.line, field=field)

    @property
    def where(self) -> str:
        """'data.csv:5', for messages that point back at the row."""
        if not self.file:
            return "the command line"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(slots=True)
class Unmet:
    """A name no entry has: how many rows use it, and the first of them."""

    kind: str  # "actor" or "source"
    name: str
    rows: int
    first: Row


@dataclass(slots=True)
class Checked:
    """The outcome of checking rows: tables to write, ids skipped, and every problem."""

    events: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0
    # Registered on the way: kind ("actors"/"sources") -> id -> fields, in the order first met.
    registered: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {"actors": {}, "sources": {}})
    unknown: list[Unmet] = field(default_factory=list)  # names to register (each once), when not registering
    warnings: list[str] = field(default_factory=list)


class Finders:
    """The id finders for one check: what the store knows, plus what the rows register and add."""

    def __init__(self, store: Store, today: date, *, register: bool = False, out: Checked | None = None) -> None:
        self.today = today
        self.register = register
        self.out = out if out is not None else Checked()
        self.actors = actor_names(store)
        self.sources = source_names(store)
        self.events = _EventRefs(store)
        self._unmet: dict[tuple[str, str], Unmet] = {}

    def find(self, kind: str, typed: str, row: Row) -> str | None:
        """The id `typed` means, registering it when the row defines it or we may; None when unmet.

        Raises Ambiguous (a row problem): a name two entries share is never guessed.
        """
        names = self.actors if kind == "actor" else self.sources
        carried = row.defs.get(kind + "s", {}).get(typed)
        # A definition with an id is the file's own entry (our exports): the reference is that id, never
        # a name that happens to be spelt like it. One without an id only describes a name.
        own = carried is not None and carried.get("id") == typed and ids.id_problem(typed) is None
        if own and typed in names:
            return typed
        if not own:
            hits = names.matches(typed)  # not find(): its suggestions cost a scan of every name, per row
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise Ambiguous(names.ambiguity(typed, hits))
        if not own and not self.register:
            key = (kind, fold(typed))
            if key in self._unmet:
                self._unmet[key].rows += 1
            else:
                self._unmet[key] = Unmet(kind, typed, 1, row)
                self.out.unknown.append(self._unmet[key])
            return None
        fields = dict(carried or {"name": typed})
        fields.pop("id", None)
        taken = self.out.registered[kind + "s"]
        ident = typed if own else ids.unique(ids.name_id(fields["name"]) or kind, _Taken(names, taken))
        clashes = names.clashes(ident, fields["name"], *fields.get("aliases", ()))
        if clashes:
            self.out.warnings.append(
                f"registering {kind} {ident} ('{short(fields['name'])}'): the name is also "
                f"{', '.join(names.label(i) for i in clashes)}; a name that means both is refused, give ids there"
            )
        names.add(ident, fields["name"], *fields.get("aliases", ()))
        taken[ident] = fields
        return ident


class _Taken:
    """Ids in use: the store's and those registered so far (for ids.unique)."""

    def __init__(self, names: Names, registered: dict[str, Any]) -> None:
        self.names, self.registered = names, registered

    def __contains__(self, ident: object) -> bool:
        return ident in self.names or ident in self.registered


class _EventRefs:
    """Finds the event an id (or, failing that, a title) names, reading titles only when needed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.added: set[str] = set()
        self._names: Names | None = None

    def add(self, eid: str) -> None:
        """Make a new id known (an event earlier in the same import)."""
        self.added.add(eid)
        if self._names is not None:
            self._names.add(eid)

    def find(self, typed: str) -> str:
        if typed in self.added or typed in self.store.by_id:
            return typed
        if self._names is None:
            # Every title is read only now: most rows refer to events by id.
            self._names = Names("event")
            for e in self.store.events:
                self._names.add(e.id, e.title)
            for eid in self.added:
                self._names.add(eid)
        return self._names.find(typed)


def check(
    rows: Sequence[Row],
    store: Store,
    *,
    today: date,
    skip_existing: bool = False,
    importing: bool = False,
    register: bool = False,
    step: Callable[[], None] | None = None,
) -> Checked:
    """Check every row against the store and each other; a bad row is reported, never raised.

    When `importing`, a row without an id whose date and title equal an event's in the store is
    that event, so importing the same file twice is caught instead of doubling the store. With
    `register`, names the store lacks become new actors and sources (see Finders.find).
    """
    out = Checked()
    refs = Finders(store, today, register=register, out=out)
    seen = {(e.date.text, e.title): e.id for e in store.events} if importing else {}
    taken = set(store.by_id)
    # Ids first, so that a row may refer to an event further down the same file.
    planned: list[tuple[Row, str | None, list[Problem]]] = []
    made: list[tuple[Row, dict[str, Any]]] = []
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
        unmet = len(out.unknown), sum(u.rows for u in out.unknown)
        table = _table(row, eid, problems, refs)
        if problems or unmet != (len(out.unknown), sum(u.rows for u in out.unknown)):
            out.bad_rows += 1
            out.problems.extend(problems)
        elif table is not None:
            if eid is None:
                when = table["date"] if "date" in table else table["dates"][0]["date"]
                eid = ids.unique(ids.event_id(when, table["title"]), taken)
                taken.add(eid)
                table = {"id": eid, **table}
            out.events.append(table)
            made.append((row, table))
        if step:
            step()
    for n, u in enumerate(out.unknown):
        names = refs.actors if u.kind == "actor" else refs.sources
        count = f" in {u.rows} rows" if u.rows > 1 else ""
        # Suggestions scan every name (difflib); past the first few, a long list of new names gets the hint alone.
        hint = names.closest(u.name) if n < _SUGGESTED else names.hint
        message = f"unknown {u.kind} '{short(u.name)}'{count}; {hint}"
        out.problems.append(u.first.problem("E006", message, u.kind + "s"))
    out.problems.sort(key=lambda p: p.line or 0)  # in file order, each unknown name at its first use
    if not out.problems:
        for _row, problem in _links(made, store):
            out.bad_rows += 1
            out.problems.append(problem)
    return out


def _links(made: list[tuple[Row, dict[str, Any]]], store: Store) -> list[tuple[Row, Problem]]:
    """What `timeline check` would call E009 and E010 about the new events' links, refused here.

    A link the dates contradict (a reply dated before its message), and links that make a cycle
    with the store's, both as check words them.
    """
    from timeline.query.order import Relation, link_message, links
    from timeline.store.events import event
    from timeline.store.fields import Anything, Collector

    if not any(t.get(key) for _, t in made for key in REFS):
        return []
    c = Collector("", "", Anything(), Anything())
    new = {t["id"]: (row, t, event(c, 0, t, 0)) for row, t in made}

    def dated(eid: str):
        found = new.get(eid)
        return found[2].date if found and found[2] else store.by_id[eid].date

    out: list[tuple[Row, Problem]] = []
    succ: dict[str, list[str]] = {}
    for r in links(store):
        succ.setdefault(r.earlier, []).append(r.later)
    for eid, (row, t, _) in new.items():
        for key in REFS:
            for ref in t.get(key, ()):
                r = Relation(eid, ref, eid, key) if key == "before" else Relation(ref, eid, eid, key)
                succ.setdefault(r.earlier, []).append(r.later)
                early, late = dated(r.earlier), dated(r.later)
                if late.latest < early.earliest:
                    message = link_message(r, {r.earlier: early.text, r.later: late.text})
                    out.append((row, row.problem("E009", message.split(": ", 2)[2], key)))
    for eid, (row, _, _) in new.items():
        path = _cycle(eid, succ)
        if path:
            chain = " → ".join(f"'{i}'" for i in path)
            message = f"the links make a cycle ({chain}), so no order is possible; remove the wrong link"
            out.append((row, row.problem("E010", message)))
    return out


def _cycle(start: str, succ: dict[str, list[str]]) -> list[str]:
    """A path start → … → start through the links, or [] when there is none."""
    came: dict[str, str] = {}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in succ.get(node, ()):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, start]
            if nxt not in came:
                came[nxt] = node
                stack.append(nxt)
    return []


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
        message = f"already in the store as '{existing}' (same date and title); pass --skip-existing to skip it"
        problems.append(row.problem("E005", message))
        return None
    bad = "expected text" if not isinstance(eid, str) else ids.id_problem(eid)
    if bad:
        problems.append(row.problem("E004", bad, "id"))
        return None
    if eid in store.by_id:
        if skip_existing:
            out.skipped.append(eid)
            return ""
        from timeline.store.include import written_at

        at = written_at(store, store.by_id[eid])
        skip = " or pass --skip-existing" if importing else ""
        problems.append(row.problem("E005", f"'{eid}' is already used ({at}); choose another id{skip}", "id"))
        return None
    if eid in first:
        problems.append(row.problem("E005", f"'{eid}' is used twice (first at {first[eid]})", "id"))
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


def _table(row: Row, eid: str | None, problems: list[Problem], refs: Finders) -> dict[str, Any] | None:
    """The [[events]] table for a row, keys in the store's order; problems are appended."""
    f = row.fields
    table: dict[str, Any] = {} if eid is None else {"id": eid}
    if f.get("dates"):
        table["dates"] = _claims(row, refs, problems)
    elif not isinstance(f.get("date"), str) or not f["date"].strip():
        problems.append(row.problem("E003", "missing; give it like 2024-02-09, 2024-02, 2024 or '9 Feb 2024'", "date"))
    else:
        try:
            table["date"] = _when(f["date"], row.typed, refs.today).text
        except dates.DateError as e:
            problems.append(row.problem("E007", str(e), "date"))
    for name in ("title", "summary", "type"):
        v = f.get(name)
        if v is not None and not isinstance(v, str):
            problems.append(row.problem("E004", f"expected text, got {v!r}", name))
        elif v is not None and (v.strip() or (name == "summary" and v and not row.typed)):
            table[name] = v.strip() if row.typed else v  # an export's text is kept exactly
    if "title" not in table:
        problems.append(row.problem("E003", "missing; every event needs one", "title"))
    status = _status(row, f.get("status"), problems)
    if status:
        table["status"] = status
    table["actors"] = _each(row, f, "actors", problems, lambda a: _actor(a, refs, row))
    table["tags"] = list(dict.fromkeys(_each(row, f, "tags", problems, partial(_tag, exact=not row.typed))))
    table["sources"] = _each(row, f, "sources", problems, lambda s: _citation(s, refs, row))
    for name in REFS:
        table[name] = _each(row, f, name, problems, partial(_event_ref, events=refs.events, name=name))
        if eid is not None and eid in table[name]:
            problems.append(row.problem("E010", "an event cannot refer to itself", name))
    return {k: v for k, v in table.items() if v != []}


def _status(row: Row, value: Any, problems: list[Problem]) -> str | None:
    """The event's status when it is not the default; an unknown one is a problem naming the closest."""
    if value is None or value == "" or value == "happened":
        return None
    if value in STATUSES:
        return value
    from timeline.text import suggest

    hint = (
        suggest(str(value).lower(), STATUSES) if isinstance(value, str) else "expected one of: " + ", ".join(STATUSES)
    )
    problems.append(row.problem("E004", f"{value!r} is not a status; {hint}", "status"))
    return None


def _each(row: Row, f: dict, name: str, problems: list[Problem], one: Callable[[Any], Any]) -> list:
    """Apply `one` to each item of list field `name`; what it raises becomes a problem of the row."""
    items = f.get(name)
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(row.problem("E004", f"expected a list, got {items!r}", name))
        return []
    out = []
    for item in items:
        try:
            found = one(item)
            if found is not None:
                out.append(found)
        except Unknown as e:
            problems.append(row.problem("E006", str(e), name))
        except dates.DateError as e:
            problems.append(row.problem("E007", str(e), name))
        except ValueError as e:
            problems.append(row.problem("E004", str(e), name))
    return out


def _tag(item: Any, exact: bool = False) -> str:
    if not isinstance(item, str) or not item.strip():
        raise ValueError(f"expected a tag, got {item!r}")
    return item if exact else item.strip()


def _actor(item: Any, refs: Finders, row: Row) -> str | dict | None:
    aid, role = (item.get("id"), item.get("role")) if isinstance(item, dict) else (item, None)
    if not isinstance(aid, str) or not aid.strip() or not isinstance(role, (str, type(None))):
        raise ValueError(f"expected an actor id or name, got {item!r}")
    found = refs.find("actor", aid.strip(), row)
    if found is None:
        return None
    return {"id": found, "role": role} if role else found


def _citation(item: Any, refs: Finders, row: Row) -> str | dict | None:
    sid, extra = item, {}
    if isinstance(item, dict):
        sid = item.get("id")
        extra = {k: v for k, v in item.items() if k != "id" and v is not None}
        credibility = extra.pop("credibility", None)
        if set(extra) - {"url", "published", "note", "said"} or not all(isinstance(v, str) for v in extra.values()):
            raise ValueError(
                f"a citation has id, url, published, note and said, as text, and credibility; got {item!r}"
            )
        if credibility is not None:
            if credibility not in CREDIBILITY or isinstance(credibility, bool) or not isinstance(credibility, int):
                raise ValueError(f"credibility: expected a number 1-6, got {credibility!r}")
            extra["credibility"] = credibility
        published = None
        if "published" in extra:
            try:
                published = dates.parse(extra["published"])
            except dates.DateError as e:
                raise dates.DateError(f"published: {e}") from None
        if "said" in extra:
            from timeline import relative

            try:
                relative.resolve(extra["said"], relative.anchor_day(published))
            except relative.PhraseError as e:
                raise dates.DateError(f"said: {e}") from None
    if not isinstance(sid, str) or not sid.strip():
        raise ValueError(f"expected a source id or name, got {item!r}")
    found = refs.find("source", sid.strip(), row)
    if found is None:
        return None
    return {"id": found, **extra} if extra else found


def _event_ref(item: Any, events: _EventRefs, name: str) -> str:
    if not isinstance(item, str) or not item.strip():
        raise ValueError(f"expected an event id, got {item!r}")
    return events.find(item.strip())


def _claims(row: Row, refs: Finders, problems: list[Problem]) -> list[dict[str, Any]]:
    raw = row.fields["dates"]
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        problems.append(row.problem("E004", "expected a list of claims {date, sources, preferred, note}", "dates"))
        return []
    out = []
    for c in raw:
        try:
            claim: dict[str, Any] = {"date": _when(c.get("date") or "", row.typed, refs.today).text}
        except (dates.DateError, AttributeError) as e:
            problems.append(row.problem("E007", str(e), "dates"))
            continue
        cited = _each(row, c, "sources", problems, lambda s: _claim_source(s, refs, row))
        if cited:
            claim["sources"] = cited
        if c.get("preferred") is True:
            claim["preferred"] = True
        if isinstance(c.get("note"), str):
            claim["note"] = c["note"]
        out.append(claim)
    return out


def _claim_source(item: Any, refs: Finders, row: Row) -> str | None:
    if not isinstance(item, str):
        raise ValueError(f"a claim's sources are source ids, got {item!r}")
    return refs.find("source", item, row)
