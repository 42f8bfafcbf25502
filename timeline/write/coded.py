"""Coded event data as Rows: ICEWS event files and GDELT 1.0/2.0 event tables.

Each record becomes one event: its date at the precision the record has, a title made of
source – event – target, a type from its CAMEO code (timeline.write.cameo), the actors with
their country and sectors (registered with `import --register`), the publisher or article
address as its source, and an id made from the record's own (`icews-…`, `gdelt-…`), so that
importing the same file again adds nothing (`--skip-existing` skips what is there). Every other
value the record has is kept, as written, in the summary.
"""

from __future__ import annotations

import re
from typing import Any

from timeline.errors import TimelineError
from timeline.write import cameo
from timeline.write.countries import country_code
from timeline.write.importer import Row

ICEWS_COLUMNS = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
)  # fmt: skip
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")  # fmt: skip
_GEO1 = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
_GEO2 = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")


def _gdelt_columns(geo: tuple[str, ...]) -> tuple[str, ...]:
    return (
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
        *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
        "NumMentions", "NumSources", "NumArticles", "AvgTone",
        *(f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in geo),
        "DATEADDED", "SOURCEURL",
    )  # fmt: skip


# Rows are told apart by their width: GDELT 1.0 backfile rows (1979 - March 2013) lack SOURCEURL.
GDELT_LAYOUTS = {57: _gdelt_columns(_GEO1)[:-1], 58: _gdelt_columns(_GEO1), 61: _gdelt_columns(_GEO2)}
_MISSING = ("", "NA")


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) for each non-blank line; tabs separate cells and nothing is quoted."""
    lines = text.removeprefix("\ufeff").split("\n")
    return [(n, line.removesuffix("\r")) for n, line in enumerate(lines, start=1) if line.strip()]


def icews_rows(name: str, text: str) -> list[Row]:
    """Rows of an ICEWS event file: tab-separated, a header of 20 columns, NA for missing values."""
    lines = _lines(text)
    if not lines:
        return []
    header = [h.strip().lower() for h in lines[0][1].split("\t")]
    if header != [c.lower() for c in ICEWS_COLUMNS]:
        raise TimelineError(
            f"{name}:{lines[0][0]}: not an ICEWS event file: expected a tab-separated header of the 20 columns "
            f"{', '.join(ICEWS_COLUMNS)}; pass --from to read it as another format"
        )
    rows = []
    for n, line in lines[1:]:
        cells = line.split("\t")
        at = Row({}, name, n, typed=False)
        if len(cells) != len(ICEWS_COLUMNS):
            message = f"has {len(cells)} tab-separated cells; ICEWS rows have {len(ICEWS_COLUMNS)}"
            rows.append(Row({}, name, n, typed=False, problems=(at.problem("E004", message),)))
            continue
        rows.append(_icews_row({c: _value(v) for c, v in zip(ICEWS_COLUMNS, cells, strict=True)}, at))
    return rows


def _value(cell: str) -> str | None:
    cell = cell.strip()
    return None if cell in _MISSING else cell


def _icews_row(r: dict[str, str | None], at: Row) -> Row:
    code = r["CAMEO Code"]
    what = r["Event Text"] or cameo.label(code) or "Event"
    defs: dict[str, dict[str, dict[str, Any]]] = {"actors": {}, "sources": {}}
    actors = []
    for side in ("Source", "Target"):
        who = r[f"{side} Name"]
        if who:
            actors.append(who)
            fields: dict[str, Any] = {"name": who}
            country = country_code(r[f"{side} Country"])
            if country:
                fields["country"] = country
            sectors = [x.strip() for x in (r[f"{side} Sectors"] or "").split(",") if x.strip()]
            if sectors:
                fields["sectors"] = sectors
            defs["actors"][who] = fields
    publisher = r["Publisher"] or "ICEWS"
    defs["sources"][publisher] = {"name": publisher}
    place = ", ".join(x for x in (r["City"], r["District"], r["Province"], r["Country"]) if x)
    summary = [f"{what} (CAMEO {code or 'NA'}), intensity {r['Intensity'] or 'NA'}."]
    if r["Story ID"]:
        summary.append(f"Story {r['Story ID']}, sentence {r['Sentence Number'] or 'NA'}.")
    if place or r["Latitude"]:
        summary.append(f"Where: {place or 'NA'} ({r['Latitude'] or 'NA'}, {r['Longitude'] or 'NA'}).")
    fields = {
        "id": _own_id("icews", r["Event ID"]),
        "date": r["Event Date"],
        "title": " – ".join([r["Source Name"] or "?", what, *([r["Target Name"]] if r["Target Name"] else [])]),
        "summary": " ".join(summary),
        "type": cameo.event_type(code),
        "actors": list(dict.fromkeys(actors)),
        "tags": ["icews", *([f"cameo-{code}"] if code else [])],
        "sources": [publisher],
    }
    return Row(fields, at.file, at.line, typed=False, defs=defs)


def _own_id(prefix: str, record_id: str | None) -> str | None:
    """'icews-926685': the record's id made ours; None (an id from date and title) when it has none."""
    if record_id and re.fullmatch(r"[A-Za-z0-9._-]+", record_id):
        return f"{prefix}-{record_id}"
    return None


def gdelt_rows(name: str, text: str) -> list[Row]:
    """Rows of a GDELT event table: tab-separated, no header; 57 or 58 cells (1.0) or 61 (2.0) a row."""
    rows = []
    for n, line in _lines(text):
        cells = line.split("\t")
        at = Row({}, name, n, typed=False)
        columns = GDELT_LAYOUTS.get(len(cells))
        if columns is None:
            message = (
                f"has {len(cells)} tab-separated cells; GDELT 1.0 rows have 57 (backfile) or 58, GDELT 2.0 rows 61"
            )
            rows.append(Row({}, name, n, typed=False, problems=(at.problem("E004", message),)))
            continue
        rows.append(_gdelt_row({c: _value(v) for c, v in zip(columns, cells, strict=True)}, at))
    return rows


def _gdelt_date(sqldate: str | None) -> str | None:
    """'2013-04-01' from '20130401'; a zero day or month means the record knows only the month or year."""
    if not sqldate or not re.fullmatch(r"\d{8}", sqldate):
        return sqldate
    year, month, day = sqldate[:4], sqldate[4:6], sqldate[6:]
    if month == "00":
        return year
    return f"{year}-{month}" if day == "00" else f"{year}-{month}-{day}"


def _gdelt_name(raw: str) -> str:
    # GDELT writes names in capitals ("BARACK OBAMA"); names are matched ignoring case anyway.
    return raw.title() if raw.isupper() else raw


def _gdelt_row(r: dict[str, str | None], at: Row) -> Row:
    code = r["EventCode"]
    what = cameo.label(code) or "Event"
    defs: dict[str, dict[str, dict[str, Any]]] = {"actors": {}, "sources": {}}
    sides: dict[str, str] = {}
    for who in ("Actor1", "Actor2"):
        raw = r[f"{who}Name"]
        if not raw:
            continue  # a one-sided event
        actor = sides[who] = _gdelt_name(raw)
        fields: dict[str, Any] = {"name": actor}
        country = country_code(r[f"{who}CountryCode"])
        if country:
            fields["country"] = country
        sectors = cameo.sectors(r[f"{who}Type1Code"], r[f"{who}Type2Code"], r[f"{who}Type3Code"])
        if sectors:
            fields["sectors"] = sectors
        defs["actors"].setdefault(actor, fields)
    url = r.get("SOURCEURL")
    host = re.sub(r"^www\.", "", re.sub(r"^[a-z]+://([^/?#:]*).*$", r"\1", url, flags=re.I)) if url else ""
    source = host or "GDELT"
    defs["sources"][source] = {"name": source}
    quad = cameo.QUAD_CLASSES.get(r["QuadClass"] or "")
    summary = [
        f"{what} (CAMEO {code or 'NA'}{', ' + quad if quad else ''}); Goldstein {r['GoldsteinScale'] or 'NA'},"
        f" tone {r['AvgTone'] or 'NA'}; mentions {r['NumMentions'] or 'NA'}, sources {r['NumSources'] or 'NA'},"
        f" articles {r['NumArticles'] or 'NA'}."
    ]
    if r["ActionGeo_FullName"] or r["ActionGeo_Lat"]:
        place = r["ActionGeo_FullName"] or "NA"
        summary.append(f"Where: {place} ({r['ActionGeo_Lat'] or 'NA'}, {r['ActionGeo_Long'] or 'NA'}).")
    summary.append(f"Added to GDELT {r['DATEADDED'] or 'NA'}.")
    fields = {
        "id": _own_id("gdelt", r["GLOBALEVENTID"]),
        "date": _gdelt_date(r["SQLDATE"]),
        "title": " – ".join([sides.get("Actor1", "?"), what, *([sides["Actor2"]] if "Actor2" in sides else [])]),
        "summary": " ".join(summary),
        "type": cameo.event_type(code),
        "actors": list(dict.fromkeys(sides.values())),
        "tags": ["gdelt", *([f"cameo-{code}"] if code else []), *([quad.replace(" ", "-")] if quad else [])],
        "sources": [{"id": source, "url": url} if url else source],
    }
    return Row(fields, at.file, at.line, typed=False, defs=defs)
