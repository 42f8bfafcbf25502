"""Questions on the terminal: whether to ask at all, the fields `add` is missing, and `edit`'s retry."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from timeline.errors import TimelineError


def interactive(no_input: bool) -> bool:
    """Prompting is allowed: both ends are a terminal and --no-input was not given."""
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def ask_event(fields: dict[str, Any], path: Path) -> dict[str, Any]:
    """Ask on the terminal for the fields not given, checking each answer; known values are offered."""
    from collections import Counter

    from rich.console import Console
    from rich.prompt import Prompt

    from timeline import dates
    from timeline import store as store_mod
    from timeline.write import importer

    s = store_mod.load(path)
    find = importer.Finders(s, date.today())
    console = Console(highlight=False)
    fields = dict(fields)

    def ask(label: str, check, *, required: bool = False):
        while True:
            try:
                answer = Prompt.ask(label, console=console, default="" if not required else None, show_default=False)
            except EOFError:
                raise TimelineError("cancelled; nothing was added") from None
            answer = (answer or "").strip()
            if not answer and required:
                console.print("  required")
                continue
            try:
                return check(answer) if answer else None
            except (ValueError, LookupError) as e:
                console.print(f"  {e}", markup=False)

    def listed(finder):
        def check(answer: str) -> list[str]:
            return [finder.find(x.strip()) for x in answer.replace(";", ",").split(",") if x.strip()]

        return check

    def offer(counts: Counter) -> str:
        top = [k for k, _ in counts.most_common(8)]
        more = f", … {len(counts) - len(top)} more" if len(counts) > len(top) else ""
        return f" (known: {', '.join(top)}{more})" if top else ""

    if not fields.get("date"):
        fields["date"] = ask(
            "Date (2024-02-09, Feb 2024, today)", lambda a: dates.parse_typed(a, today=date.today()).text, required=True
        )
    if not fields.get("title"):
        fields["title"] = ask("Title", str, required=True)
    if fields.get("summary") is None:
        fields["summary"] = ask("Summary (Enter to skip)", str)
    if fields.get("type") is None:
        fields["type"] = ask("Type" + offer(Counter(e.type for e in s.events if e.type)), str)
    if not fields.get("actors"):
        known = Counter({a: 0 for a in s.actors}) + Counter(a for e in s.events for a in e.actors)
        fields["actors"] = ask("Actors, comma-separated" + offer(known or Counter(s.actors)), listed(find.actors)) or []
    if not fields.get("tags"):
        tags = Counter(t for e in s.events for t in e.tags)
        fields["tags"] = (
            ask("Tags, comma-separated" + offer(tags), lambda a: [t.strip() for t in a.split(",") if t.strip()]) or []
        )
    if not fields.get("sources"):
        cited = Counter({x: 0 for x in s.sources}) + Counter(c.id for e in s.events for c in e.sources)
        fields["sources"] = (
            ask("Sources, comma-separated" + offer(cited or Counter(s.sources)), listed(find.sources)) or []
        )
    return fields


def ask_again() -> bool:
    """After a failed check: True to edit again, False to abandon (also on end of input)."""
    while True:
        try:
            answer = input("The store would not load. (e)dit again or (a)bandon? [e] ").strip().lower()
        except EOFError:
            return False
        if answer in ("", "e", "edit"):
            return True
        if answer in ("a", "abandon", "q", "quit"):
            return False
