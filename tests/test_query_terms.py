"""The query language: tokens, fields, negation, `or`, grouping, and errors that point at the term."""

from __future__ import annotations

import pytest

from timeline.errors import UsageError
from timeline.query.terms import AnyOf, Term, group, parse, parse_term, tokenize


def test_one_argument_holds_many_terms_and_quoted_phrases():
    """A single shell argument splits like a shell line, keeping quoted phrases whole."""
    assert tokenize(['actor:"foreign minister" not:tag:trade since:2024']) == [
        "actor:foreign minister",
        "not:tag:trade",
        "since:2024",
    ]


def test_apostrophe_in_a_word_is_text_not_a_quote():
    """An unbalanced apostrophe falls back to splitting on spaces."""
    assert tokenize(["Japarov's reply"]) == ["Japarov's", "reply"]


def test_fields_bare_words_and_negation():
    """Known fields parse; bare words are text; not: negates; not:not: cancels."""
    assert parse_term("tag:trade") == Term("tag", "trade", False, "tag:trade")
    assert parse_term("letter") == Term("text", "letter", False, "letter")
    assert parse_term("not:type:law").negated is True
    assert parse_term("not:not:type:law").negated is False


def test_or_joins_neighbours_across_fields():
    """`a or b` is one clause whatever the fields."""
    clauses = parse(["tag:trade", "or", "type:law", "since:2024"])
    assert isinstance(clauses[0], AnyOf) and [t.field for t in clauses[0].parts] == ["tag", "type"]
    assert clauses[1].field == "since"


def test_same_field_terms_widen_like_hledger():
    """Two positive tag: terms become one OR group; not: and since: stay separate."""
    grouped = group(parse(["tag:a", "tag:b", "not:tag:c", "since:2024"]))
    anys = [c for c in grouped if isinstance(c, AnyOf)]
    assert len(anys) == 1 and {t.value for t in anys[0].parts} == {"a", "b"}
    assert sum(isinstance(c, Term) for c in grouped) == 2


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["tga:trade"], "unknown field 'tga:'; did you mean 'tag:'?"),
        (["tag:"], "'tag:' needs a value"),
        (["or", "tag:a"], "'or' must stand between two terms"),
        (["tag:a", "or"], "'or' must stand between two terms"),
        (["not:"], "'not:' needs a term"),
    ],
)
def test_bad_terms_are_usage_errors_naming_the_term(args, fragment):
    """A bad term raises a UsageError (exit 2) whose message quotes it."""
    with pytest.raises(UsageError) as info:
        parse(args)
    assert fragment in info.value.message
    assert info.value.exit_code == 2


def test_urls_and_capitalised_labels_are_text():
    """'https://…' and 'Note:' are searched as text, not read as fields."""
    assert parse_term("https://24.kg/english").field == "text"
    assert parse_term("Note:x").field == "text"
