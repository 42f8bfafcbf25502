"""`timeline log ID`: the commits that changed one fact, as text, Markdown or JSON."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING, Any

from timeline.formats.changes import field_lines, value_text
from timeline.text import clean, json_escape, plural

if TYPE_CHECKING:
    from timeline.history.log import History, Revision

FORMATS = ("plain", "rich", "markdown", "json")


def entries(h: History) -> list[dict[str, Any]]:
    """The JSON form: newest first, one object per commit with its changes as {field, old, new}."""
    out = []
    for r in h.revisions:
        entry: dict[str, Any] = {
            "commit": r.commit,
            "date": r.date,
            "author": r.author,
            "email": r.email,
            "message": r.message,
            "change": r.change,
            "changes": [{"field": f.field, "old": f.old, "new": f.new} for f in r.changes],
            "path": r.path,
        }
        if r.error:
            entry["error"] = r.error
        out.append(entry)
    return out


def heading(h: History) -> str:
    """'History of event 'x' in events.toml: 3 commits, newest first.'"""
    count = plural(len(h.revisions), "commit")
    return clean(f"History of {h.kind} '{h.id}' in {h.path}: {count}, newest first.")


def _lines(r: Revision) -> list[tuple[str, list[str]]]:
    """What the commit did to the fact: one (line, sub-lines) per field."""
    if r.error:
        return [(f"the store did not load here, so the change is not known: {clean(r.error)}", [])]
    if r.change == "removed":
        return [("removed", [])]
    if r.change == "added":
        return [("added", []), *((clean(f"{f.field}: {value_text(f.new)}"), []) for f in r.changes)]
    return [field_lines(f) for f in r.changes]


def render(h: History, fmt: str, *, width: int) -> str:
    """The history in `fmt`: plain (rich is the same text), markdown or json."""
    if fmt == "json":
        return json_escape(json.dumps(entries(h), ensure_ascii=False, indent=2)) + "\n"
    if fmt == "markdown":
        return _markdown(h)
    out = [heading(h), ""]
    for r in h.revisions:
        out.append(clean(f"{r.commit[:7]}  {r.date}  {r.author}"))
        subject = clean(r.message.split("\n", 1)[0]) if r.message.strip() else "(no message)"
        out += _wrap(subject, width, "    ")
        for line, items in _lines(r):
            out += _wrap(line, width, "    - ", "      ")
            for item in items:
                out += _wrap(item, width, "        ", "          ")
        out.append("")
    if not h.revisions:
        out.append(clean(f"No commit changed {h.kind} '{h.id}' (commit the store to start its history)."))
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown(h: History) -> str:
    from timeline.formats.markdown import escape

    out = [f"# {escape(heading(h))}", ""]
    for r in h.revisions:
        out += [f"## {escape(clean(f'{r.commit[:7]} · {r.date} · {r.author}'))}", ""]
        if r.message.strip():
            out += [escape(clean(r.message, newlines=True).strip(), block=True), ""]
        for line, items in _lines(r):
            out.append(f"- {escape(line, block=True)}")
            out += [f"  - {escape(item, block=True)}" for item in items]
        out.append("")
    if not h.revisions:
        out += [escape(f"No commit changed {h.kind} '{clean(h.id)}'."), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _wrap(text: str, width: int, first: str, rest: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=max(width, 30),
        initial_indent=first,
        subsequent_indent=rest if rest is not None else first,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [first.rstrip()]
