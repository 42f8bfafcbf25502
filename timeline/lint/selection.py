"""The rule table of `timeline check`, and which rules are on.

Every rule starts on; layers of choices (pyproject.toml, the store's [check] table, the command
line) select and ignore codes or prefixes, as ruff does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    name: str
    reason: str


# The one table of rules: `--list-rules`, the README table and every finding's severity come
# from here. Codes are stable; a retired code is never reused.
RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("E001", "error", "TOML syntax error",
             "Nothing else can be checked until the file parses; the position is the parser's."),
        Rule("E002", "error", "unknown key",
             "A misspelt key such as `titel` would be read as no title at all, losing what it says."),
        Rule("E003", "error", "missing required field",
             "An event needs an id, a date and a title to be cited and placed; actors and sources need a name."),
        Rule("E004", "error", "value of the wrong kind",
             "A number where text belongs, or text where a list belongs, cannot mean what the curator meant."),
        Rule("E005", "error", "duplicate id",
             "Events, actors and sources are cited by id; one id for two things makes every citation ambiguous."),
        Rule("E006", "error", "unknown actor, source or event",
             "A reference to an id nobody defined is usually a typo, and the link it states is lost."),
        Rule("E007", "error", "invalid date",
             "A date outside the store's date language cannot be placed on the timeline."),
        Rule("E008", "error", "interval ends before it starts",
             "A START/END written the wrong way round matches no day at all."),
        Rule("E009", "error", "link contradicts the dates",
             "`in_response_to`, `after` or `before` puts one event after another that the dates put "
             "certainly later: the link or a date is wrong."),
        Rule("E010", "error", "cycle of links",
             "Events that each come after the other cannot be put in order; one of the links is wrong."),
        Rule("E011", "error", "office span ends before it starts",
             "An office held from a later date to an earlier one covers no day, so no event can fall in it."),
        Rule("E012", "error", "include that matches no file",
             "A store in several files that silently loses one loses its facts: the pattern has a typo, or "
             "the file moved."),
        Rule("W001", "warning", "event without a source",
             "The store records sourced facts; an event nobody vouches for cannot be checked by a reader."),
        Rule("W002", "warning", "disputed date without a preferred claim",
             "With several dates and none preferred the event spans them all; mark the best-supported one."),
        Rule("W003", "warning", "possible duplicate event",
             "Overlapping dates with near-identical titles, or with the same actors and type, "
             "usually mean one fact entered twice."),
        Rule("W004", "warning", "actor no event involves",
             "An unused actor is left over from an edit, or stands for an event not yet recorded."),
        Rule("W005", "warning", "source no event cites",
             "An uncited source is left over from an edit, or stands for a fact not yet recorded."),
        Rule("W006", "warning", "office outside its span",
             "The event names the office an actor acted in, but falls certainly outside the span they held it."),
        Rule("W007", "warning", "office the actor never held",
             "The event names an office that matches none of the actor's role titles or aliases: "
             "a typo, or a role missing from the actor."),
        Rule("W008", "warning", "one person entered twice",
             "Two actors whose names or aliases are spellings of one name in different scripts or romanisations "
             "(Жапаров, Zhaparov, Japarov) are usually one person, and splitting them splits their events."),
        Rule("W009", "warning", "anchored date no longer fits its source",
             "A date recorded from a source's own words (\"last Friday\") must be the day those words mean in a "
             "report of its publication date; if either was edited since, one of them is wrong."),
        Rule("N001", "note", "fact resting on one source",
             "Worth corroborating; shown for information and never fails a check, even with --strict."),
        Rule("N002", "note", "planned event whose date has passed",
             "A planned or announced event whose date is over, with no event after it, is news not yet followed "
             "up: record what happened, or change its status."),
    )
}  # fmt: skip

# A store that does not parse cannot be checked further, so these are always reported.
ALWAYS_ON = frozenset({"E001"})


@dataclass(frozen=True, slots=True)
class Selection:
    """One layer of rule choices, from a config table or the command line; None means "not said"."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    strict: bool | None = None


def selector_error(selector: str) -> str | None:
    """Why `selector` names no rule, or None: a selector is ALL or a prefix of some code."""
    if selector == "ALL" or (selector and any(code.startswith(selector) for code in RULES)):
        return None
    return f"'{selector}' matches no rule; give a code or prefix such as E006, W or ALL ('timeline check --list-rules')"


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors from `--select E,W001 --select N`: comma lists, repeated, spaces ignored."""
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def selection_from_table(table: Mapping[str, Any]) -> tuple[Selection, list[tuple[str, str, str]]]:
    """A Selection from a `[check]`-style table, plus (code, key, message) for each bad entry."""
    bad: list[tuple[str, str, str]] = []
    found: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("select", "ignore"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad.append(("E004", key, f'field \'{key}\': expected a list of rule codes, like ["E", "W003"]'))
                continue
            codes = split_selectors(value)
            wrong = [e for e in map(selector_error, codes) if e]
            if wrong:
                bad.append(("E004", key, f"field '{key}': {wrong[0]}"))
            found[key] = tuple(c for c in codes if not selector_error(c))
        elif key == "strict":
            if not isinstance(value, bool):
                bad.append(("E004", key, "field 'strict': expected true or false"))
                continue
            found[key] = value
        else:
            from timeline.text import suggest

            bad.append(("E002", key, f"field '{key}': unknown key; {suggest(key, ('select', 'ignore', 'strict'))}"))
    return Selection(found.get("select"), found.get("ignore", ()), found.get("strict")), bad


def _match(code: str, selectors: Sequence[str]) -> int | None:
    """How specific the most specific selector matching `code` is (ALL is least), or None."""
    lengths = [0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)]
    return max(lengths) if lengths else None


def enabled(layers: Sequence[Selection]) -> frozenset[str]:
    """Codes left on after applying layers in order, as ruff does.

    Every rule starts on. A layer's `select` replaces the set; its `ignore` turns rules off. Within
    one layer the more specific selector wins (`ignore W` + `select W003` keeps W003); a tie goes
    to `ignore`. A later layer (the store over pyproject.toml, the command line over both) wins.
    """
    on = set(RULES)
    for layer in layers:
        for code in RULES:
            chosen = _match(code, layer.select) if layer.select is not None else None
            dropped = _match(code, layer.ignore)
            if layer.select is not None:
                keep = chosen is not None and (dropped is None or chosen > dropped)
            else:
                keep = code in on and dropped is None
            (on.add if keep else on.discard)(code)
    return frozenset(on | ALWAYS_ON)


def strictness(layers: Sequence[Selection]) -> bool:
    """The last layer that says anything about strict decides."""
    said = [layer.strict for layer in layers if layer.strict is not None]
    return said[-1] if said else False
