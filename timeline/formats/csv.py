"""CSV (RFC 4180): one row per event, lists joined by ';', formula-looking cells neutralised.

`actors`, `sources`, `tags` and the relation columns hold ids, as `timeline import` reads
them; `actor_names`, `source_names`, `urls`, `grades` (lined up with `sources`) and the date columns
are there for readers, and `timeline import` uses the names to register actors and sources a
store lacks. `claims` holds a disputed date's claims as JSON (empty otherwise), so an export
imports back to the same export.

Spreadsheets run a cell that starts with '=', '+', '-' or '@' (and some also after a tab or
carriage return, and some the full-width forms ＝ ＋ － ＠) as a formula. Following OWASP's
advice on CSV injection, such a cell gets a leading apostrophe, which spreadsheets show as text
and do not evaluate. A cell can also begin inside one of ours: a spreadsheet whose list
separator is ';' (most of continental Europe) splits our rows at every ';', quotes or not, and a
tab- or line-splitting import starts a cell after a tab or line break. So the apostrophe also
goes after each ';', tab or line break that a trigger follows (spaces or a '"' between count as
nothing): "a;=cmd" is written "a;'=cmd". An apostrophe already in such a place gets one more, so
that `restore` undoes exactly what `neutralise` did. In a list cell a ';' or '\\' inside an item
is written '\\;' or '\\\\'. Control codes are replaced as in every other format, so the file is
also safe to print on a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date

from timeline.formats import Context
from timeline.formats.text import actor_name, citation_url, date_line, grade_label, source_name
from timeline.model import Event, Store
from timeline.text import clean, json_escape

COLUMNS = (
    "id",
    "date",
    "display",
    "earliest",
    "latest",
    "precision",
    "uncertain",
    "approximate",
    "disputed",
    "title",
    "summary",
    "type",
    "status",
    "actors",
    "actor_names",
    "tags",
    "sources",
    "source_names",
    "urls",
    "grades",
    "in_response_to",
    "after",
    "before",
    "claims",
)
# Columns holding ';'-separated lists; `urls`, `grades` and `*_names` line up with `sources` and `actors`.
LIST_COLUMNS = (
    "actors", "actor_names", "tags", "sources", "source_names", "urls", "grades", "in_response_to", "after", "before",
)  # fmt: skip
# What starts a formula (OWASP's list and the full-width forms), and where a cell can begin.
TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
SEPARATORS = ";\t\r\n"
_MARK = "'"
# A place where a spreadsheet may start a cell, before a trigger or an apostrophe already there.
_GUARDED = rf"(?={_MARK}|[ \"]*[{re.escape(TRIGGERS)}])"
_CELL_START = re.compile(rf"(^|[{SEPARATORS}]){_GUARDED}")
_OUR_MARK = re.compile(rf"(^|[{SEPARATORS}]){_MARK}{_GUARDED}")
_TOKEN = re.compile(r"\\.|;|[^\\;]+|\\", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\;])")


def neutralise(cell: str) -> str:
    """An apostrophe before each place a spreadsheet could read a formula: the start, and after ';', tab, line break.

    An apostrophe already in such a place gets one more, so that `restore` can tell ours apart.
    """
    return _CELL_START.sub(rf"\1{_MARK}", cell)


def restore(cell: str) -> str:
    """The cell `neutralise` was given: each apostrophe it put taken off, and no other."""
    return _OUR_MARK.sub(r"\1", cell)


def join_list(items: Sequence[str]) -> str:
    """A list cell: items cleaned, their ';' and '\\' escaped, each guarded, joined by ';'."""
    return ";".join(neutralise(clean(x, newlines=True).replace("\\", "\\\\").replace(";", "\\;")) for x in items)


def split_list(cell: str) -> list[str]:
    """The items of a list cell, as `join_list` was given them (a hand-written cell reads the same way)."""
    if not cell:
        return []
    raw = [""]
    for token in _TOKEN.findall(cell):
        if token == ";":
            raw.append("")
        else:
            raw[-1] += token
    return [_ESCAPE.sub(r"\1", restore(x)) for x in raw]


def _bound(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def claims_cell(e: Event, store: Store) -> str:
    """A disputed date's claims as compact JSON (with the names of sources the event does not cite); else ''."""
    if not e.disputed:
        return ""
    cited = set(e.source_ids)
    out = []
    for cl in e.claims:
        claim: dict[str, object] = {"date": cl.date.text, "sources": list(cl.sources)}
        if cl.preferred:
            claim["preferred"] = True
        if cl.note is not None:
            claim["note"] = cl.note
        names = {s: source_name(store, s) for s in cl.sources if s not in cited and s in store.sources}
        if names:
            claim["names"] = names
        out.append(claim)
    # json_escape: controls in a note stay escapes, so the cell keeps them exactly.
    return json_escape(json.dumps(out, ensure_ascii=False, separators=(",", ":")))


def row(e: Event, store: Store) -> list[str | list[str]]:
    """One event as the cells of COLUMNS (lists for LIST_COLUMNS), before neutralising."""
    urls = [citation_url(c, store) or "" for c in e.sources]
    return [
        e.id,
        e.date.text,
        date_line(e, store),
        _bound(e.date.known_earliest),
        _bound(e.date.known_latest),
        e.date.precision,
        str(e.date.uncertain).lower(),
        str(e.date.approximate).lower(),
        str(e.disputed).lower(),
        e.title,
        e.summary,
        e.type or "",
        e.status,
        list(e.actors),
        [actor_name(store, a) for a in e.actors],
        list(e.tags),
        list(e.source_ids),
        [source_name(store, c.id) for c in e.sources],
        urls,
        [grade_label(c, store) for c in e.sources],
        list(e.in_response_to),
        list(e.after),
        list(e.before),
        claims_cell(e, store),
    ]


# From a query (`timeline list`), two more columns say how each event matched.
MATCH_COLUMNS = ("match", "why")


def render(events: Sequence[Event], ctx: Context) -> str:
    """A header row, then one row per event; CRLF line ends as RFC 4180 asks."""
    from timeline.formats.json import match_json

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    queried = ctx.matches is not None
    writer.writerow(COLUMNS + MATCH_COLUMNS if queried else COLUMNS)
    for e in events:
        cells = row(e, ctx.store)
        if queried:
            how = match_json(e, ctx)
            cells += [how["match"], how["why"] or ""]
        # Newlines inside a quoted cell are legal CSV; every other control code is not data.
        writer.writerow(
            join_list(cell) if isinstance(cell, list) else neutralise(clean(cell, newlines=True)) for cell in cells
        )
    return buffer.getvalue()
