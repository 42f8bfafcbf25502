"""Reading import files into Rows: CSV, our JSON export (`timeline list --format json`), TimelineJS.

A file that cannot be read as its format at all raises; a row that is only wrong carries its
problems in the Row, for `importer.check` to report with every other row's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from timeline.errors import TimelineError, UsageError
from timeline.write import ids
from timeline.write.importer import REFS, Row

CSV_COLUMNS = ("id", "date", "title", "summary", "type", "status", "actors", "tags", "sources", *REFS)
CSV_REQUIRED = ("date", "title")
# What `timeline list --format csv` adds: the derived columns are recomputed, the rest are read.
CSV_EXPORT_COLUMNS = (
    "display", "earliest", "latest", "precision", "uncertain", "approximate", "disputed",
    "actor_names", "source_names", "urls", "grades", "claims", "match", "why",
)  # fmt: skip
FORMATS = ("csv", "json", "timelinejs", "icews", "gdelt")
# Keys of `timeline list --format json`; the derived ones are recomputed, and how an event
# matched the query that exported it is not part of the event, so neither is read back.
_DERIVED = ("earliest", "latest", "precision", "uncertain", "approximate", "display", "match", "why")
_EXPORT_KEYS = (
    *("id", "date", "title", "summary", "type", "status", "actors", "roles", "tags", "sources", "citations"),
    *(*REFS, "claims", "names", *_DERIVED),
)


def detect(name: str, text: str) -> str:
    """The format of an import file, from its first line and its name; CSV when nothing else fits."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "[":
        return "json"
    if start == "{":
        return "timelinejs"
    if name.lower().endswith(".json"):
        raise UsageError(f"{name}: not a JSON list of events nor TimelineJS; pass --from")
    first = text.removeprefix("\ufeff").split("\n", 1)[0]
    if first.lower().startswith("event id\tevent date\t"):
        return "icews"
    from timeline.write.coded import GDELT_LAYOUTS

    if first.count("\t") + 1 in GDELT_LAYOUTS and first.split("\t", 1)[0].strip().isdigit():
        return "gdelt"
    return "csv"


def read(name: str, text: str, fmt: str) -> list[Row]:
    """The rows of an import file; a file that cannot be read as `fmt` at all raises."""
    if fmt == "csv":
        return csv_rows(name, text)
    if fmt in ("icews", "gdelt"):
        from timeline.write import coded

        return coded.icews_rows(name, text) if fmt == "icews" else coded.gdelt_rows(name, text)
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TimelineError(f"{name}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    if fmt == "json":
        if not isinstance(data, list):
            raise TimelineError(f"{name}: expected a JSON list of events, as 'timeline list --format json' writes")
        lines = item_lines(text, ())
        return [export_row(item, Row({}, name, line)) for item, line in zip(data, lines, strict=True)]
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise TimelineError(f'{name}: expected TimelineJS JSON, an object with an "events" list')
    lines = item_lines(text, ("events",))
    return [timelinejs_row(item, Row({}, name, line)) for item, line in zip(data["events"], lines, strict=True)]


def item_lines(text: str, path: tuple[str, ...]) -> list[int]:
    """The line each item of the JSON array at `path` starts on (json.loads gives no positions).

    `text` must already have parsed as JSON, with the array at `path` (keys of nested objects).
    """
    import json

    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\r\n]*")

    def skip(pos: int) -> int:
        return ws.match(text, pos).end()  # type: ignore[union-attr]

    pos = skip(1 if text.startswith("\ufeff") else 0)
    for key in path:  # walk into the object member by member until `key`
        pos = skip(pos + 1)  # past "{"
        while True:
            name, pos = decoder.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)  # past ":"
            if name == key:
                break
            _, pos = decoder.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)  # past ","
    lines: list[int] = []
    pos = skip(pos + 1)  # past "["
    line, counted = 1, 0  # counted up to `counted` so far: counting from the start each time is quadratic
    while text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        _, pos = decoder.raw_decode(text, pos)
        pos = skip(pos)
        if text[pos] == ",":
            pos = skip(pos + 1)
    return lines


def csv_rows(name: str, text: str) -> list[Row]:
    """Rows of a CSV with a header line; list cells are separated by ';'. Line 1 is the header.

    A `timeline list --format csv` export (it has a `display` column) is read exactly: cells as
    written, dates in the store's language, actor and source names registering what the store
    lacks, claims restored. Other CSV is typed by people: cells are trimmed, dates read as typed.
    """
    import csv
    import io

    # The one codec of list cells and of the formula guard, shared with the CSV writer.
    from timeline.formats.csv import split_list

    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as e:
        raise TimelineError(f"{name}:1: cannot read the CSV header: {e}") from None
    _check_header(name, header)
    exact = "display" in header
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
        row = Row({}, name, start, typed=not exact)
        extra = f"has {len(cells)} cells; the header has {len(header)}"
        problems = [] if len(cells) <= len(header) else [row.problem("E004", extra)]
        got = dict(zip(header, cells))  # noqa: B905 (a short row leaves the last cells empty)
        f = _csv_fields(got, exact)
        defs = _carried(got, f, split_list) if exact else {}
        if got.get("claims"):
            f["dates"] = _csv_claims(got["claims"], defs, row, problems)
        rows.append(replace(row, fields=f, problems=tuple(problems), defs=defs))
    return rows


def _check_header(name: str, header: list[str]) -> None:
    for h in header:
        if h not in (*CSV_COLUMNS, *CSV_EXPORT_COLUMNS):
            from timeline.text import suggest

            raise TimelineError(f"{name}:1: unknown column '{h}'; {suggest(h, CSV_COLUMNS + CSV_EXPORT_COLUMNS)}")
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise TimelineError(f"{name}:1: the header needs the column '{missing[0]}' (columns: {','.join(CSV_COLUMNS)})")
    if len(set(header)) != len(header):
        raise TimelineError(f"{name}:1: a column appears twice in the header")


def _csv_fields(got: dict[str, str], exact: bool) -> dict[str, Any]:
    """A row's cells as fields: an export's exactly as written, typed CSV's trimmed."""
    from timeline.formats.csv import restore, split_list

    f: dict[str, Any] = {}
    for col in CSV_COLUMNS:
        cell = got.get(col, "")
        if col in ("actors", "tags", "sources", *REFS):
            items = split_list(cell)
            f[col] = items if exact else [x.strip() for x in items if x.strip()]
        elif exact and cell:
            f[col] = restore(cell)
        elif cell.strip():
            f[col] = restore(cell.strip())
    return f


def _carried(got: dict[str, str], f: dict[str, Any], split_list) -> dict[str, dict[str, dict[str, Any]]]:
    """The actors and sources an export names (id -> name), and its addresses as the citations' urls."""
    defs: dict[str, dict[str, dict[str, Any]]] = {"actors": {}, "sources": {}}
    for kind, names in (("actors", "actor_names"), ("sources", "source_names")):
        ids_, labels = f.get(kind, []), split_list(got.get(names, ""))
        for ident, label in zip(ids_, labels):  # noqa: B905 (names may be missing)
            defs[kind][ident] = {"id": ident, "name": label or ident}
    urls = split_list(got.get("urls", ""))
    grades = split_list(got.get("grades", ""))
    cited = []
    for n, sid in enumerate(f.get("sources", [])):
        url = urls[n] if n < len(urls) else ""
        reliability, credibility = _grade(grades[n] if n < len(grades) else "")
        if reliability and sid in defs["sources"]:
            defs["sources"][sid]["reliability"] = reliability
        item = {"id": sid} | ({"url": url} if url else {}) | ({"credibility": credibility} if credibility else {})
        cited.append(item if len(item) > 1 else sid)
    if cited:
        f["sources"] = cited
    return defs


def _grade(label: str) -> tuple[str | None, int | None]:
    """The source's reliability and the citation's credibility from an export's grade ('B2', 'B?', '?2')."""
    from timeline.model import RELIABILITY

    if len(label) != 2:
        return None, None
    letter, digit = label[0], label[1]
    return (letter if letter in RELIABILITY else None), (int(digit) if digit in "123456" else None)


def _csv_claims(cell: str, defs: dict[str, dict[str, dict[str, Any]]], row: Row, problems: list) -> Any:
    """The claims of the `claims` column (JSON, as the export writes it); names feed `defs`."""
    import json

    try:
        claims = json.loads(cell)
    except json.JSONDecodeError as e:
        problems.append(row.problem("E004", f"not JSON claims: {e.msg}", "claims"))
        return None
    if isinstance(claims, list):
        for c in claims:
            if isinstance(c, dict) and isinstance(c.get("names"), dict):
                names = c.pop("names")
                for sid, label in names.items():
                    defs.setdefault("sources", {})[sid] = {"id": sid, "name": label}
    return claims


def export_row(item: Any, at: Row) -> Row:
    """A Row from one object of `timeline list --format json`; `at` says where it is."""
    at = replace(at, typed=False)
    if not isinstance(item, dict):
        return replace(at, problems=(at.problem("E004", "expected a JSON object"),))
    unknown = tuple(
        at.problem("E002", f"unknown field '{k}'; an exported event has: {', '.join(_EXPORT_KEYS)}")
        for k in item
        if k not in _EXPORT_KEYS
    )
    f: dict[str, Any] = {k: item.get(k) for k in ("id", "date", "title", "summary", "type", "status", "tags", *REFS)}
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
    return replace(at, fields=f, problems=unknown, defs=_named(item.get("names")))


def _named(names: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """The actors and sources an export names ({"actors": {id: name}, …}), as definitions to register."""
    defs: dict[str, dict[str, dict[str, Any]]] = {}
    if isinstance(names, dict):
        for kind in ("actors", "sources"):
            found = names.get(kind)
            if isinstance(found, dict):
                defs[kind] = {i: {"id": i, "name": n} for i, n in found.items() if isinstance(n, str) and n.strip()}
    return defs


# A citation's own keys; `reliability` (the source's) and `said_date` (derived) are not read back.
_CITATION = ("id", "url", "published", "note", "credibility", "said")


def _compact(item: Any, keep: tuple[str, ...] = _CITATION) -> Any:
    """A citation or claim without its empty keys; a citation of only an id becomes the id."""
    if not isinstance(item, dict):
        return item
    out = {k: item[k] for k in keep if item.get(k) is not None}
    return out["id"] if set(out) == {"id"} else out


_EVENT_COPY = re.compile(r'<data class="timeline-event" hidden value="([^"]*)"></data>')


def timelinejs_row(item: Any, at: Row) -> Row:
    """A Row from one TimelineJS slide: start/end date, headline, text (HTML), group as type, unique_id.

    A slide of our own export carries the whole event (see formats.timelinejs), which is read instead.
    """
    at = replace(at, typed=False)
    if not isinstance(item, dict):
        return replace(at, problems=(at.problem("E004", "expected a JSON object"),))
    copy = _EVENT_COPY.search(
        str((item.get("text") or {}).get("text", "")) if isinstance(item.get("text"), dict) else ""
    )
    if copy:
        import html
        import json

        try:
            event = json.loads(html.unescape(copy.group(1)))
        except json.JSONDecodeError as e:
            return replace(at, problems=(at.problem("E004", f"the slide's event copy is not JSON: {e.msg}"),))
        urls = event.pop("source_urls", None) if isinstance(event, dict) else None
        row = export_row(event, at)
        for sid, url in (urls or {}).items() if isinstance(urls, dict) else ():
            if sid in row.defs.get("sources", {}) and isinstance(url, str):
                row.defs["sources"][sid]["url"] = url
        return row
    problems: list[str] = []
    when = _tljs_date(item.get("start_date"), "start_date", problems)
    if item.get("end_date"):
        end = _tljs_date(item.get("end_date"), "end_date", problems)
        when = f"{when}/{end}" if when and end else None
    text: dict[str, Any] = item["text"] if isinstance(item.get("text"), dict) else {}
    title, status = _status_prefix(_plain(text.get("headline")))
    f: dict[str, Any] = {"date": when, "title": title, "summary": _plain(text.get("text")), "status": status}
    # Our own TimelineJS export writes the event's type as the slide's group.
    f["type"] = _plain(item.get("group"))
    uid = item.get("unique_id")
    if isinstance(uid, str) and ids.id_problem(uid) is None:
        f["id"] = uid
    return replace(at, fields=f, problems=tuple(at.problem("E007", p, "date") for p in problems))


def _status_prefix(headline: str | None) -> tuple[str | None, str | None]:
    """Our TimelineJS export writes a status before the title ("Planned: …"); read it back as the status."""
    from timeline.model import STATUSES

    word, sep, rest = (headline or "").partition(": ")
    if sep and rest and word.lower() in STATUSES[1:] and word == word.capitalize():
        return rest, word.lower()
    return headline, None


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
    text = re.sub(
        r"<p>Actors: [^<]*</p>|<p>Sources:</p><ol>.*?</ol>", "", _EVENT_COPY.sub("", html_text), flags=re.DOTALL
    )
    text = re.sub(r"(?i)<br\s*/?>|</(?:p|li|div|h\d|ol|ul)\s*>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None
