"""`timeline check`: lint the store, print findings the way compilers do, exit 1 on failure."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from timeline.cli.common import FileOpt, say, store_path
from timeline.errors import UsageError

if TYPE_CHECKING:
    from timeline.lint import Report, Selection

FORMATS = ("text", "json")
RULE_FORMATS = ("text", "json", "markdown")


def check(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="PATH", help="Stores to check. Default: --file, else the store found as usual."),
    ] = None,
    select: Annotated[
        Optional[list[str]],
        typer.Option(
            "--select", metavar="CODES", help="Check only these rules: codes or prefixes, comma-separated (E,W003)."
        ),
    ] = None,
    ignore: Annotated[
        Optional[list[str]], typer.Option("--ignore", metavar="CODES", help="Skip these rules: codes or prefixes.")
    ] = None,
    strict: Annotated[
        Optional[bool],
        typer.Option("--strict/--no-strict", help="Warnings fail too. Notes never fail.", show_default=False),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="text (one line per finding) or json.")
    ] = "text",
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List every rule with its reason (--format text, json or markdown).")
    ] = False,
    file: FileOpt = None,
) -> None:
    """Lint the store: report problems as FILE:LINE:COL: CODE severity: message.

    Exit 1 if there is an error (or, with --strict, a warning); notes never fail. A summary
    line goes to stderr. Rules are chosen by --select/--ignore, by a [check] table in the
    store, or by [tool.timeline.check] in the nearest pyproject.toml; the command line wins,
    then the store, then pyproject.toml.

    Examples:

      timeline check --strict

      timeline check --ignore W004,W005 --format json
    """
    from timeline import lint

    if list_rules:
        _list_rules(fmt)
        return
    if fmt not in FORMATS:
        raise UsageError(f"--format: unknown format '{fmt}'; choose text or json (markdown is for --list-rules)")
    chosen = _selectors("--select", select) if select is not None else None
    cli = lint.Selection(chosen, _selectors("--ignore", ignore) if ignore is not None else (), strict)
    targets = [Path(p) for p in paths or ()] + ([Path(file)] if file else [])
    reports = [_check_one(path, cli) for path in targets or [store_path(None)]]
    if fmt == "json":
        import json

        from timeline.text import json_escape

        # File names and messages may hold bidi or control characters: escaped, the JSON means the same.
        sys.stdout.write(json_escape(json.dumps(lint.findings_json(reports), ensure_ascii=False, indent=2)) + "\n")
    else:
        sys.stdout.write("".join(lint.format_text(r) for r in reports))
        sys.stdout.flush()
        for r in reports:
            say(lint.summary(r))
    if any(r.failed for r in reports):
        raise typer.Exit(1)


def _list_rules(fmt: str) -> None:
    from timeline import lint

    if fmt not in RULE_FORMATS:
        raise UsageError(f"--format: with --list-rules choose one of: {', '.join(RULE_FORMATS)}")
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(lint.rules_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(lint.rules_markdown() if fmt == "markdown" else lint.rules_text())


def _selectors(flag: str, values: list[str]) -> tuple[str, ...]:
    from timeline.lint import selector_error, split_selectors

    codes = split_selectors(values)
    if not codes:
        raise UsageError(f"{flag}: give rule codes or prefixes, e.g. {flag} W004,W005")
    for code in codes:
        error = selector_error(code)
        if error:
            raise UsageError(f"{flag}: {error}")
    return codes


def _check_one(path: Path, cli: Selection) -> Report:
    from timeline import lint

    return lint.check_file(path, cli=cli)
