"""CSV (RFC 4180): one row per event, lists joined by ';', formula-looking cells neutralised.

`actors`, `sources`, `tags` and the relation columns hold ids, as `timeline import` reads
them; `actor_names`, `source_names`, `urls` and the date columns are there for readers, and
`timeline import` uses the names to register actors and sources a store lacks. `claims` holds a
disputed date's claims as JSON (empty otherwise), so an export imports back to the same export.

Spreadsheets run a cell that starts with '=', '+', '-' or '@' (and some also after a tab or
carriage return) as a formula. Following OWASP's advice on CSV injection, such a cell gets a
leading apostrophe, which spreadsheets show as text and do not evaluate; so does a cell that
already starts with one, so that `restore` undoes exactly what `neutralise` did. In a list cell
each item is guarded, and a ';' or '\\' inside an item is written '\\;' or '\\\\'. Control codes are
replaced as in every other format, so the file is also safe to print on a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date

from timeline.formats import Context
from timeline.formats.text import actor_name, citation_url, date_line, source_name
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
    "actors",
    "actor_names",
    "tags",
    "sources",
    "source_names",
    "urls",
    "in_response_to",
    "after",
    "before",
    "claims",
)
# Columns holding ';'-separated lists; `urls` and `*_names` line up with `sources` and `actors`.
LIST_COLUMNS = ("actors", "actor_names", "tags", "sources", "source_names", "urls", "in_response_to", "after", "before")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MARK = "'"
_TOKEN = re.compile(r"\\.|;|[^\\;]+|\\", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\;])")


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula (leading spaces too).

    A cell that starts with an apostrophe gets one more, so that `restore` can tell ours apart.
    """
    if cell.startswith((_MARK, *_TRIGGERS)) or cell.lstrip(" ").startswith(_TRIGGERS):
        return _MARK + cell
    return cell


def restore(cell: str) -> str:
    """The cell `neutralise` was given: its apostrophe taken off where `neutralise` puts one, and nowhere else."""
    if cell.startswith(_MARK) and neutralise(cell[1:]) == cell:
        return cell[1:]
    return cell


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


def _bound(d: date, unbounded: date) -> str:
    return "" if d == unbounded else d.isoformat()


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
        _bound(e.date.earliest, date.min),
        _bound(e.date.latest, date.max),
        e.date.precision,
        str(e.date.uncertain).lower(),
        str(e.date.approximate).lower(),
        str(e.disputed).lower(),
        e.title,
        e.summary,
        e.type or "",
        list(e.actors),
        [actor_name(store, a) for a in e.actors],
        list(e.tags),
        list(e.source_ids),
        [source_name(store, c.id) for c in e.sources],
        urls,
        list(e.in_response_to),
        list(e.after),
        list(e.before),
        claims_cell(e, store),
    ]


def render(events: Sequence[Event], ctx: Context) -> str:
    """A header row, then one row per event; CRLF line ends as RFC 4180 asks."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for e in events:
        # Newlines inside a quoted cell are legal CSV; every other control code is not data.
        writer.writerow(
            join_list(cell) if isinstance(cell, list) else neutralise(clean(cell, newlines=True))
            for cell in row(e, ctx.store)
        )
    return buffer.getvalue()
