"""CSV (RFC 4180): one row per event, lists joined by ';', formula-looking cells neutralised.

`actors`, `sources`, `tags` and the relation columns hold ids, as `timeline import` reads
them; `actor_names`, `source_names`, `urls`, `grades` (lined up with `sources`) and the date columns
are there for readers.

Spreadsheets run a cell that starts with '=', '+', '-' or '@' (and some also after a tab or
carriage return, and some the full-width forms ＝ ＋ － ＠) as a formula. Following OWASP's
advice on CSV injection, such a cell gets a leading apostrophe, which spreadsheets show as text
and do not evaluate. A cell can also begin inside one of ours: a spreadsheet whose list
separator is ';' (most of continental Europe) splits our rows at every ';', quotes or not, and a
tab- or line-splitting import starts a cell after a tab or line break. So the apostrophe also
goes after each ';', tab or line break that a trigger follows (spaces or a '"' between count as
nothing): "a;=cmd" is written "a;'=cmd". Control codes are replaced as in every other format, so
the file is also safe to print on a terminal.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from timeline.formats import Context
from timeline.formats.text import actor_name, citation_url, date_line, grade_label, source_name
from timeline.model import Event, Store
from timeline.text import clean

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
)
# What starts a formula (OWASP's list and the full-width forms), and where a cell can begin.
TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
SEPARATORS = ";\t\r\n"
_CELL_START = re.compile(rf"(^|[{SEPARATORS}])(?=[ \"]*[{re.escape(TRIGGERS)}])")


def neutralise(cell: str) -> str:
    """An apostrophe before each place a spreadsheet could read a formula: the start, and after ';', tab, line break."""
    return _CELL_START.sub(r"\1'", cell)


def _bound(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def row(e: Event, store: Store) -> list[str]:
    """One event as the cells of COLUMNS, before neutralising."""
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
        ";".join(e.actors),
        ";".join(actor_name(store, a) for a in e.actors),
        ";".join(e.tags),
        ";".join(e.source_ids),
        ";".join(source_name(store, c.id) for c in e.sources),
        ";".join(urls),
        ";".join(grade_label(c, store) for c in e.sources),
        ";".join(e.in_response_to),
        ";".join(e.after),
        ";".join(e.before),
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
        writer.writerow(neutralise(clean(cell, newlines=True)) for cell in cells)
    return buffer.getvalue()
