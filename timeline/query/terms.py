"""The query language of `timeline list`, in the spirit of hledger's.

    actor:kulubaev  tag:trade  source:tass  type:meeting  id:law-signed  status:threatened
    sources>=2  grade>=B2  since:2024  until:2024-03  date:2024-02  after:ID  before:ID  between:ID1,ID2
    words and "quoted phrases" (title and summary)   not:TERM   TERM or TERM

Terms on the same field widen (any may match), except words, which all have to match (see
`timeline.query.words`); terms on different fields narrow (all must hold); `not:` terms always
narrow; `a or b` joins two terms whatever their fields.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from timeline.errors import UsageError

FIELDS = (
    *("actor", "tag", "source", "type", "id", "since", "until", "date", "after", "before", "between", "text"),
    "status",
)
# `name>=value` terms: at least N independent sources, at least an Admiralty grade.
AT_LEAST = {"sources": "min_sources", "grade": "min_grade"}


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    value: str
    negated: bool = False
    token: str = ""


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Any of its parts may hold (an OR group)."""

    parts: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """All of its parts must hold (the words of one --text value, inside an OR group)."""

    parts: tuple[Clause, ...]


Clause = Term | AnyOf | AllOf


def tokenize(args: list[str] | tuple[str, ...]) -> list[str]:
    """Split each argument as a shell would, so `'actor:"foreign minister" since:2024'` works as one."""
    tokens: list[str] = []
    for arg in args:
        try:
            tokens += shlex.split(arg)
        except ValueError:
            # An apostrophe in a bare word ("Japarov's") is text, not an open quote.
            tokens += arg.split()
    return tokens


def parse_term(token: str) -> Term:
    """One token: `field:value`, `not:field:value`, or a bare word."""
    negated = False
    body = token
    while body.startswith("not:"):
        negated = not negated
        body = body[4:]
    name, ge, least = body.partition(">=")
    if ge and name in AT_LEAST:
        if not least:
            raise UsageError(f"query term '{token}': '{name}>=' needs a value, e.g. {name}>={_example(name)}")
        return Term(AT_LEAST[name], least, negated, token)
    field, sep, value = body.partition(":")
    if sep and field in FIELDS:
        if not value:
            raise UsageError(f"query term '{token}': '{field}:' needs a value, e.g. {field}:{_example(field)}")
        return Term(field, value, negated, token)
    if sep and field.isidentifier() and field.islower() and not value.startswith("/"):
        from timeline.text import close_matches

        close = close_matches(field, FIELDS, n=1)
        hint = f"did you mean '{close[0]}:'?" if close else "known fields: " + ", ".join(f + ":" for f in FIELDS)
        raise UsageError(f"query term '{token}': unknown field '{field}:'; {hint} (quote it to search the text)")
    if not body:
        raise UsageError(f"query term '{token}': 'not:' needs a term after it, e.g. not:tag:trade")
    return Term("text", body, negated, token)


def _example(field: str) -> str:
    return {
        "actor": '"foreign minister"',
        "since": "2024-02",
        "until": "2024-03",
        "date": "2024-02",
        "between": "ID1,ID2",
        "after": "ID",
        "before": "ID",
        "status": "threatened",
        "sources": "2",
        "grade": "B2",
    }.get(field, "value")


def parse(args: list[str] | tuple[str, ...]) -> list[Clause]:
    """Parse query arguments into clauses; `or` joins its neighbours into one Any clause."""
    tokens = tokenize(args)
    clauses: list[Clause] = []
    pending_or = False
    for n, token in enumerate(tokens):
        if token.lower() == "or":
            if not clauses or n == len(tokens) - 1 or pending_or:
                raise UsageError("query: 'or' must stand between two terms, e.g. tag:trade or tag:legislation")
            pending_or = True
            continue
        term = parse_term(token)
        if pending_or:
            last = clauses.pop()
            parts = (*last.parts, term) if isinstance(last, AnyOf) else (last, term)
            clauses.append(AnyOf(parts))
            pending_or = False
        else:
            clauses.append(term)
    return clauses


def group(clauses: list[Clause]) -> list[Clause]:
    """hledger's rule: positive terms of one field are OR-ed; the groups (and `not:` terms) are AND-ed.

    Words are the exception: like a search engine's, each one narrows.
    """
    by_field: dict[str, list[Term]] = {}
    out: list[Clause] = []
    for clause in clauses:
        if (
            isinstance(clause, Term)
            and not clause.negated
            and clause.field not in ("since", "until", "after", "before", "between", "text")
        ):
            by_field.setdefault(clause.field, []).append(clause)
        else:
            out.append(clause)
    for terms in by_field.values():
        out.insert(0, terms[0] if len(terms) == 1 else AnyOf(tuple(terms)))
    return out
