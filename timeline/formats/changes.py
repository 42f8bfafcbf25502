"""`timeline diff` in every format: a timeline of the events that changed, then actors and sources.

The timeline formats (rich, plain, markdown, html) draw the changed events with their own
renderer, each event noted with its change (`Change: date: 2024-02-11 → 2024-02-09`); a
removed event is drawn as it was. Actors and sources follow as a list. A calendar (ics) or
TimelineJS show holds the added and changed events as they are now, nothing else. JSON and
CSV are lists of changes, field by field, for programs and spreadsheets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from timeline.text import clean, json_escape, plural

if TYPE_CHECKING:
    from timeline.history import Change, Diff, FieldChange
    from timeline.model import Event

NONE = "(none)"


def value_text(v: Any) -> str:
    """A field's value in a line of text: strings as they are, lists and tables in a TOML-like spelling."""
    if isinstance(v, str):
        return v
    if v is None:
        return NONE
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_quoted(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_quoted(x)}" for k, x in v.items()) + " }"
    return str(v)


def _quoted(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else value_text(v)


def field_lines(fc: FieldChange) -> tuple[str, list[str]]:
    """('date: 2024-02-11 → 2024-02-09', []) or, for a list, ('sources:', ['+ tass', '− trend']); cleaned for output."""
    from timeline.history.compare import listed

    both = listed(fc.old, fc.new)
    if both is None:
        return clean(f"{fc.field}: {value_text(fc.old)} → {value_text(fc.new)}"), []
    added, removed = both
    items = [clean(f"+ {value_text(x)}") for x in added] + [clean(f"− {value_text(x)}") for x in removed]
    return (clean(f"{fc.field}:"), items) if items else (clean(f"{fc.field}: same items, new order"), [])


def field_text(fc: FieldChange) -> str:
    """The change on one line: 'date: 2024-02-11 → 2024-02-09', 'sources: + tass; − trend'."""
    head, items = field_lines(fc)
    return f"{head} {'; '.join(items)}" if items else head


def note(c: Change, d: Diff) -> str:
    """What happened to an event, as its note in a timeline."""
    if c.change == "added":
        return "added"
    if c.change == "removed":
        return f"removed (shown as it was in {d.old.label})"
    return "; ".join(field_text(f) for f in c.fields)


def summary(d: Diff) -> str:
    """'changes from HEAD (abc1234) to the working file: 2 events (1 added, 1 changed).' in one line."""
    counts: dict[tuple[str, str], int] = {}
    for c in d.changes:
        counts[c.kind, c.change] = counts.get((c.kind, c.change), 0) + 1
    parts = []
    for kind in ("event", "actor", "source"):
        words = [f"{counts[kind, ch]} {ch}" for ch in ("added", "changed", "removed") if counts.get((kind, ch))]
        if words:
            total = sum(counts.get((kind, ch), 0) for ch in ("added", "changed", "removed"))
            parts.append(plural(total, kind) + " (" + ", ".join(words) + ")")
    what = "; ".join(parts) if parts else "no changes"
    return clean(f"changes from {d.old.label} to {d.new.label}: {what}.")


def events(d: Diff) -> list[Event]:
    """The changed events in timeline order: added and changed as they are now, removed as they were."""
    return [(d.old if c.change == "removed" else d.new).store.by_id[c.id] for c in d.changes if c.kind == "event"]


def others(d: Diff) -> list[Change]:
    """The actor and source changes."""
    return [c for c in d.changes if c.kind != "event"]


def name(c: Change, d: Diff) -> str:
    """The fact's name or title in the version that has it."""
    version = d.old if c.change == "removed" else d.new
    if c.kind == "event":
        return version.store.by_id[c.id].title
    fact = (version.store.actors if c.kind == "actor" else version.store.sources).get(c.id)
    return fact.name if fact else c.id


def entries(d: Diff) -> list[dict[str, Any]]:
    """The JSON form: one object per change with change, kind, id, name, and fields as {field, old, new}."""
    return [
        {
            "change": c.change,
            "kind": c.kind,
            "id": c.id,
            "name": name(c, d),
            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
        }
        for c in d.changes
    ]


def render(d: Diff, fmt: str, *, width: int, title: str | None = None) -> Any:
    """The diff in format `fmt` (any of `timeline list --format`): text, or a rich renderable for rich."""
    if fmt == "json":
        return json_escape(json.dumps(entries(d), ensure_ascii=False, indent=2)) + "\n"
    if fmt == "csv":
        return _csv(d)
    from timeline.formats import Context, get

    heading = title or f"{d.new.store.title or 'Timeline'}: {summary(d)}"
    shown = [c for c in d.changes if c.kind == "event"]
    ctx = Context(
        store=d.new.store, width=width, title=heading, notes={c.id: note(c, d) for c in shown}, note_label="Change"
    )
    if fmt in ("ics", "timelinejs"):
        # A calendar or slide show holds events as they are; a removed event has no place in one.
        return get(fmt)([e for c, e in zip(shown, events(d), strict=True) if c.change != "removed"], ctx)
    result = get(fmt)(events(d), ctx)
    rest = others(d)
    if not rest:
        return result
    lines = [f"{c.change} {c.kind} {c.id} ({name(c, d)})" for c in rest]
    details = [[field_text(f) for f in c.fields] if c.change == "changed" else [] for c in rest]
    return _append(fmt, result, [clean(x) for x in lines], details)


def _append(fmt: str, result: Any, lines: list[str], details: list[list[str]]) -> Any:
    """The actor and source changes after the timeline, in the timeline's own format."""
    if fmt == "markdown":
        from timeline.formats.markdown import escape

        body = ["## Actors and sources", ""]
        for line, more in zip(lines, details, strict=True):
            body.append(f"- {escape(line)}")
            body += [f"  - {escape(x)}" for x in more]
        return result + "\n" + "\n".join(body) + "\n"
    if fmt == "html":
        from timeline.formats.html import escape_text

        items = []
        for line, more in zip(lines, details, strict=True):
            sub = "".join(f"<li>{escape_text(x)}</li>" for x in more)
            items.append(f"<li>{escape_text(line)}" + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
        section = '<section aria-labelledby="h-facts">\n<h2 id="h-facts">Actors and sources</h2>\n<ul>\n'
        section += "\n".join(items) + "\n</ul>\n</section>\n"
        # Store text in the page is escaped, so the first "</main>" is the page's own.
        return result.replace("</main>", section + "</main>", 1)
    text = "\n".join(
        [
            "Actors and sources",
            "=" * 18,
            "",
            *(f"{x}\n" + "".join(f"  {y}\n" for y in more) for x, more in zip(lines, details, strict=True)),
        ]
    )
    if fmt == "rich":
        from rich.console import Group
        from rich.text import Text

        return Group(result, Text(text))
    return result.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"


def _csv(d: Diff) -> str:
    """One row per changed field: change, kind, id, name, field, old, new (lists and tables as JSON)."""
    import csv
    import io

    from timeline.formats.csv import neutralise

    def cell(v: Any) -> str:
        text = v if isinstance(v, str) else "" if v is None else json.dumps(v, ensure_ascii=False)
        return neutralise(clean(text, newlines=True))

    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\r\n")
    w.writerow(["change", "kind", "id", "name", "field", "old", "new"])
    for c in d.changes:
        head = [c.change, c.kind, cell(c.id), cell(name(c, d))]
        for f in c.fields or _no_fields():
            w.writerow([*head, cell(f.field), cell(f.old), cell(f.new)])
    return buffer.getvalue()


def _no_fields() -> Sequence[FieldChange]:
    from timeline.history import FieldChange

    return (FieldChange("", None, None),)
