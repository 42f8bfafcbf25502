"""`timeline check`: the rule table, choosing rules, and running them over a store's text.

Pure: takes text and choices, returns a Report. Reading files is the command's job.
The rules themselves (beyond the schema's E002–E008) live in `timeline.check_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from timeline.errors import StoreError
from timeline.model import Problem


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
        Rule("N001", "note", "fact resting on one source",
             "Worth corroborating; shown for information and never fails a check, even with --strict."),
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
            from timeline.schema import suggest

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


@dataclass(frozen=True, slots=True)
class Report:
    """What checking one store found, already filtered by the rule selection and sorted by line."""

    path: str
    problems: tuple[Problem, ...]
    strict: bool = False

    def count(self, severity: str) -> int:
        return sum(p.severity == severity for p in self.problems)

    @property
    def failed(self) -> bool:
        """Errors fail; warnings fail only under strict; notes never do."""
        return self.count("error") > 0 or (self.strict and self.count("warning") > 0)


def run(text: str, name: str, *, project: Selection = Selection(), cli: Selection = Selection()) -> Report:
    """Check a store's text: parse, validate, apply every enabled rule.

    Rule choices come from pyproject.toml (`project`), then the store's own `[check]` table,
    then the command line (`cli`); each may override the one before.
    """
    from timeline import check_rules, schema, store

    try:
        data = store.parse_toml(text, name)
    except StoreError as err:
        return Report(name, (syntax_problem(text, err),), strictness([project, cli]))
    built, problems = schema.build(data, name, text)
    own, bad = selection_from_table(built.check)
    ordered = [project, own, cli]
    on = enabled(ordered)
    problems += check_rules.run(built, data, text, on)
    # A mistake in [check] itself is always shown: the table cannot be trusted to hide it.
    chosen = [_with_severity(p) for p in problems if p.code in on] + _config_problems(text, bad)
    chosen.sort(key=lambda p: (p.line or 0, p.column or 0, p.code))
    return Report(name, tuple(_dedupe(chosen)), strictness(ordered))


def _with_severity(p: Problem) -> Problem:
    severity = RULES[p.code].severity if p.code in RULES else p.severity
    return p if p.severity == severity else replace(p, severity=severity)


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    # The schema reports one thing per field it reads; two identical lines help nobody.
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _config_problems(text: str, bad: list[tuple[str, str, str]]) -> list[Problem]:
    if not bad:
        return []
    from timeline.locate import Locator

    loc = Locator(text)
    return [Problem(code, "error", f"[check]: {msg}", line=loc.key("check", key)) for code, key, msg in bad]


_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def syntax_problem(text: str, err: StoreError) -> Problem:
    """The parser's complaint as a located problem: E005 for a table declared twice, else E001."""
    import tomli

    try:
        tomli.loads(text)
    except tomli.TOMLDecodeError as e:
        msg = getattr(e, "msg", str(e))
        line, column = getattr(e, "lineno", None), getattr(e, "colno", None)
    except Exception:  # too deep, too long a number: parse_toml's own message says where and why
        raise err from None
    else:  # pragma: no cover - parse_toml failed, so the same parse cannot succeed
        raise err
    twice = _DECLARED_TWICE.match(msg)
    if twice and line:
        return _declared_twice(text, twice.group(1), line)
    return Problem("E001", "error", f"TOML syntax error: {msg}; fix the file and try again", line=line, column=column)


def _declared_twice(text: str, key_repr: str, line: int) -> Problem:
    import ast

    from timeline.locate import Locator

    try:
        parts = [str(p) for p in ast.literal_eval(f"({key_repr},)")]
    except (ValueError, SyntaxError, TypeError):
        parts = [key_repr]
    dotted = ".".join(parts)
    raw = text.splitlines()[line - 1] if line <= text.count("\n") + 1 else ""
    column = raw.find("[") + 1 or None
    first = Locator(text).table(dotted)
    before = f" (first on line {first})" if first and first != line else ""
    if len(parts) == 2 and parts[0] in ("actors", "sources"):
        kind = parts[0][:-1]
        message = f"duplicate {kind} id '{parts[1]}'{before}; merge the two [{dotted}] tables or rename one"
    else:
        message = f"table [{dotted}] is declared twice{before}; merge the two"
    return Problem("E005", "error", message, line=line, column=column)


# ---- output -------------------------------------------------------------------------------


def format_text(report: Report) -> str:
    """One `path:LINE:COL: CODE severity: message` line per finding, safe for a terminal."""
    from timeline.render.text import clean

    return "".join(clean(p.format(report.path)) + "\n" for p in report.problems)


def summary(report: Report) -> str:
    """`events.toml: 1 error, 2 warnings, 0 notes`, noting when --strict makes warnings fail."""
    parts = [_plural(report.count(s), s) for s in ("error", "warning", "note")]
    tail = " (strict: warnings fail)" if report.strict and report.count("warning") else ""
    return f"{report.path}: {', '.join(parts)}{tail}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def findings_json(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """Findings of every report as JSON-ready dicts; key order is part of the format."""
    return [
        {
            "file": r.path,
            "line": p.line,
            "column": p.column,
            "code": p.code,
            "severity": p.severity,
            "rule": RULES[p.code].name if p.code in RULES else None,
            "message": p.message,
            "event_id": p.event_id,
        }
        for r in reports
        for p in r.problems
    ]


def rules_text() -> str:
    """`--list-rules`: code, severity and name, with the reason on an indented second line."""
    return "".join(f"{r.code}  {r.severity:<7}  {r.name}\n      {r.reason}\n" for r in RULES.values())


def rules_markdown() -> str:
    """The rule table for the README."""
    rows = ["| Code | Severity | Rule | Why it matters |", "|---|---|---|---|"]
    rows += [f"| {r.code} | {r.severity} | {r.name} | {r.reason} |" for r in RULES.values()]
    return "\n".join(rows) + "\n"


def rules_json() -> list[dict[str, str]]:
    return [{"code": r.code, "severity": r.severity, "name": r.name, "reason": r.reason} for r in RULES.values()]
