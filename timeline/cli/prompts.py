"""Questions on the terminal: whether to ask at all, the fields `add` is missing, and `edit`'s retry.

Everything shown in a prompt that comes from the store (types, tags, ids) is data: it is
cleaned of control codes and never read as rich markup.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import Cancelled

if TYPE_CHECKING:
    from rich.console import Console

    from timeline.model import Store

# Ctrl-C and Ctrl-D at a prompt both mean "stop": one message, one exit status.
CANCELLED = "cancelled; nothing was added"


def interactive(no_input: bool) -> bool:
    """Prompting is allowed: both ends are a terminal and --no-input was not given."""
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


@dataclass(frozen=True, slots=True)
class Question:
    """One field to ask for: the words shown, how to read an answer, and what an empty answer means."""

    field: str
    label: str
    read: Callable[[str], Any]
    required: bool = False
    empty: Any = None


def ask_event(fields: dict[str, Any], path: Path) -> dict[str, Any]:
    """Ask on the terminal for the fields not given, checking each answer; known values are offered.

    Tags and a type the store does not have yet, but that look like ones it has, are asked
    again; typing the same answer twice keeps it, and such values are listed under "new".
    """
    from rich.console import Console

    import timeline

    store = timeline.load(path)
    console = Console(highlight=False)
    fields = dict(fields)
    new: set[str] = set()
    for q in questions(store, new):
        if not fields.get(q.field):
            fields[q.field] = ask(console, q)
    fields["new"] = sorted(new)
    return fields


def questions(store: Store, new: set[str]) -> list[Question]:
    """The questions `add` may ask, in order, with the store's known values offered."""
    from timeline import dates
    from timeline.query import names
    from timeline.write import importer

    find = importer.Finders(store, date.today())
    types, tags = names.types(store), names.tags(store)
    from timeline.query.tally import tally

    counts = tally(store)
    actors = names.ranked(counts.actors, store.actors)
    sources = names.ranked(counts.cited, store.sources)

    def when(answer: str) -> str:
        return dates.parse_typed(answer, today=date.today()).text

    return [
        Question("date", "Date (2024-02-09, Feb 2024, today)", when, required=True),
        Question("title", "Title", str, required=True),
        Question("summary", "Summary (Enter to skip)", str),
        Question("type", "Type" + offer(types), Fresh("type", types, new)),
        Question("actors", "Actors, comma-separated" + offer(actors), listed(find.actors.find), empty=[]),
        Question("tags", "Tags, comma-separated" + offer(tags), listed(Fresh("tag", tags, new)), empty=[]),
        Question("sources", "Sources, comma-separated" + offer(sources), listed(find.sources.find), empty=[]),
    ]


def ask(console: Console, q: Question) -> Any:
    """Ask `q` until the answer reads (or is empty and allowed); Ctrl-C or Ctrl-D cancels."""
    from rich.text import Text

    while True:
        answer = read(console, q.label)
        if not answer:
            if not q.required:
                return q.empty
            console.print("  required")
            continue
        try:
            return q.read(answer)
        except (ValueError, LookupError) as e:
            from timeline.text import clean

            console.print(Text("  " + clean(str(e))))


def read(console: Console, label: str) -> str:
    """One answer, stripped; Ctrl-C and Ctrl-D end the prompt's line and raise Cancelled."""
    from rich.prompt import Prompt
    from rich.text import Text

    try:
        answer = Prompt.ask(Text(label), console=console, default="", show_default=False)
    except (EOFError, KeyboardInterrupt):
        console.print()  # the terminal's cursor is still on the prompt's line
        raise Cancelled(CANCELLED) from None
    return (answer or "").strip()


def offer(known: list[str], most: int = 8) -> str:
    """' (known: a, b, … 3 more)' naming the most used values, cleaned; '' when there are none."""
    from timeline.text import short

    if not known:
        return ""
    more = f", … {len(known) - most} more" if len(known) > most else ""
    return f" (known: {', '.join(short(k) for k in known[:most])}{more})"


def listed(one: Callable[[str], str]) -> Callable[[str], list[str]]:
    """Read a comma-separated answer, each item through `one`."""

    def read_all(answer: str) -> list[str]:
        return [one(x.strip()) for x in answer.replace(";", ",").split(",") if x.strip()]

    return read_all


class Fresh:
    """Reads a tag or type: one the store has, a clearly new one, or a look-alike typed twice."""

    def __init__(self, kind: str, known: Iterable[str], new: set[str]) -> None:
        self.kind, self.known, self.new = kind, list(known), new
        self._warned: set[str] = set()

    def __call__(self, answer: str) -> str:
        from timeline.query import names
        from timeline.text import short

        hint = names.lookalike(answer, self.known)
        if hint is None or answer in self._warned:
            if hint is not None:
                self.new.add(answer)
            return answer
        self._warned.add(answer)
        raise ValueError(f"'{short(answer)}' is not a {self.kind} yet; {hint} (type it again to keep it)")


def ask_again() -> bool:
    """After a failed check: True to edit again, False to abandon; Ctrl-C or Ctrl-D cancels as in `add`."""
    while True:
        try:
            answer = input("The store would not load. (e)dit again or (a)bandon? [e] ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            sys.stdout.write("\n")
            raise Cancelled("cancelled; the store was not changed") from None
        if answer in ("", "e", "edit"):
            return True
        if answer in ("a", "abandon", "q", "quit"):
            return False
