"""`timeline check`: running the enabled rules over a store's text, and writing what they found.

Pure: takes text and choices, returns a Report. Reading files is the command's job. The rule
table and the choosing of rules live in `timeline.check_select`; the rules themselves (beyond
the schema's E002–E008) in `timeline.check_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.errors import StoreError, TimelineError
from timeline.lint.selection import ALWAYS_ON as ALWAYS_ON
from timeline.lint.selection import RULES, Selection, enabled, selection_from_table, strictness
from timeline.lint.selection import Rule as Rule
from timeline.lint.selection import selector_error as selector_error
from timeline.lint.selection import split_selectors as split_selectors
from timeline.model import Problem
from timeline.text import plural

if TYPE_CHECKING:
    from timeline.store.include import Files


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


def run(
    text: str, name: str, *, project: Selection = Selection(), cli: Selection = Selection(), files: Files | None = None
) -> Report:
    """Check a store's text (with the files it includes, found through `files`): parse, validate,
    apply every enabled rule.

    Rule choices come from pyproject.toml (`project`), then the store's own `[check]` table,
    then the command line (`cli`); each may override the one before.
    """
    from timeline import store

    try:
        data = store.parse_toml(text, name)
    except StoreError as err:
        return Report(name, (syntax_problem(text, err),), strictness([project, cli]))
    try:
        found, table = findings(data, text, name, files=files)
    except StoreError as err:  # an included file that does not parse: its own located E001
        if not err.problems:
            raise
        return Report(name, err.problems[:1], strictness([project, cli]))
    return choose(found, table, name, lambda: text, project=project, cli=cli)


def findings(
    data: dict[str, Any], text: str, name: str, on: frozenset[str] | None = None, files: Files | None = None
) -> tuple[list[Problem], dict]:
    """Every finding of the rules in `on` (all of them when None) for parsed store `data`, and its [check] table."""
    from timeline import store
    from timeline.lint import rules as check_rules

    built, problems = store.build(data, name, text, files)
    problems += check_rules.run(built, data, text, frozenset(RULES) if on is None else on, files)
    if built.files:  # each file's findings together, the files in the order the store loads them
        rank = {store.shown(Path(name).parent / rel): n for n, rel in enumerate(built.files, 1)}
        problems.sort(key=lambda p: rank.get(p.file or name, 0))
    return problems, dict(built.check)


def choose(
    found: Sequence[Problem],
    table: dict,
    name: str,
    text: Callable[[], str],
    *,
    project: Selection = Selection(),
    cli: Selection = Selection(),
) -> Report:
    """The report of the findings the layers of choices keep (`text` is read only to place a bad [check])."""
    own, bad = selection_from_table(table)
    ordered = [project, own, cli]
    on = enabled(ordered)
    # A mistake in [check] itself is always shown: the table cannot be trusted to hide it.
    chosen = [_with_severity(p) for p in found if p.code in on] + (_config_problems(text(), bad) if bad else [])
    rank: dict[str | None, int] = {None: 0, name: 0}
    for p in found:
        rank.setdefault(p.file, len(rank))  # a store's files in the order it loads them
    chosen.sort(key=lambda p: (rank.get(p.file, 0), p.line or 0, p.column or 0, p.code))
    return Report(name, tuple(_dedupe(chosen)), strictness(ordered))


def check_file(path: Path, *, cli: Selection = Selection()) -> Report:
    """Check the store at `path` with the rules its pyproject.toml and [check] table choose, then `cli`'s.

    A store that comes through the cache keeps every finding with its entry, worked out the
    first time and kept until the store changes.
    """
    from dataclasses import asdict

    from timeline import cache
    from timeline.store import read_text

    project = project_selection(path)
    name = str(path)

    from timeline.store.include import Folder

    def everything() -> dict[str, Any]:
        from timeline import store

        text = read_text(path)
        found, table = findings(store.parse_toml(text, name), text, name, files=Folder(path))
        return {"problems": [asdict(p) for p in found], "check": table}

    try:
        kept = cache.memo(path, "check", everything)
    except StoreError:
        kept = None  # a store that does not load: run() reports what is wrong, located
    if kept is None:
        return run(read_text(path), name, project=project, cli=cli, files=Folder(path))
    found = [Problem(**p) for p in kept["problems"]]
    return choose(found, kept["check"], name, lambda: read_text(path), project=project, cli=cli)


def project_selection(store: Path) -> Selection:
    """Rule choices from [tool.timeline.check] in the nearest pyproject.toml that has the table."""
    from timeline.lint import Selection, selection_from_table

    for folder in (store.resolve().parent, *store.resolve().parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        table = _tool_table(candidate)
        if table is None:
            continue
        selection, bad = selection_from_table(table)
        if bad:
            from timeline.store.locate import Locator

            _, key, message = bad[0]
            line = Locator(candidate.read_text(encoding="utf-8")).key("tool.timeline.check", key)
            where = f"{candidate}:{line}" if line else str(candidate)
            raise TimelineError(f"{where}: [tool.timeline.check] {message}")
        return selection
    return Selection()


def _tool_table(path: Path) -> dict | None:
    import tomli

    try:
        data = tomli.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise TimelineError(f"{path}: cannot read: {e}; fix or remove the file") from None
    except tomli.TOMLDecodeError as e:
        raise TimelineError(
            f"{path}: TOML syntax error: {e}; fix the file (it may hold [tool.timeline.check])"
        ) from None
    table: object = data
    for key in ("tool", "timeline", "check"):
        table = table.get(key) if isinstance(table, dict) else None
    if table is not None and not isinstance(table, dict):
        raise TimelineError(f'{path}: [tool.timeline.check] must be a table, with keys such as ignore = ["N"]')
    return table


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
    from timeline.store.locate import Locator

    loc = Locator(text)
    return [Problem(code, "error", f"[check]: {msg}", line=loc.key("check", key)) for code, key, msg in bad]


_DECLARED_TWICE = re.compile(r"TOML syntax error: Cannot declare \((.*)\) twice")


def syntax_problem(text: str, err: StoreError) -> Problem:
    """The parser's complaint as a located problem: E005 for a table declared twice, else E001."""
    if not err.problems:  # too deep, too long a number: parse_toml's own message says where and why
        raise err
    problem = err.problems[0]
    twice = _DECLARED_TWICE.match(problem.message)
    if twice and problem.line:
        return _declared_twice(text, twice.group(1), problem.line)
    return problem


def _declared_twice(text: str, key_repr: str, line: int) -> Problem:
    import ast

    from timeline.store.locate import Locator

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
    from timeline.text import clean

    return "".join(clean(p.format(p.file or report.path)) + "\n" for p in report.problems)


def summary(report: Report) -> str:
    """`events.toml: 1 error, 2 warnings, 0 notes`, noting when --strict makes warnings fail."""
    parts = [plural(report.count(s), s) for s in ("error", "warning", "note")]
    from timeline.text import printable

    tail = " (strict: warnings fail)" if report.strict and report.count("warning") else ""
    return f"{printable(report.path)}: {', '.join(parts)}{tail}"


def findings_json(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """Findings of every report as JSON-ready dicts; key order is part of the format."""
    return [
        {
            "file": p.file or r.path,
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
