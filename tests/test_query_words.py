"""timeline.query.words: the one rule text search follows, indexed or not."""

from __future__ import annotations

import pytest

from timeline.query.words import found, haystack, needle, words


def test_words_fold_case_and_accents_and_split_on_punctuation():
    """'Foreign-Agents' and 'Japarov's' are two words each; case and accents do not matter."""
    assert words("Foreign-Agents BILL") == ["foreign", "agents", "bill"]
    assert words("Japarov's Erdoğan") == ["japarov", "s", "erdogan"]


@pytest.mark.parametrize(
    ("query", "text", "hit"),
    [
        ("agent", "the foreign-agents bill", True),  # a longer word matches inside a word
        ("Envoy", "two envoys met", True),
        ("a", "an agent", False),  # a short word matches whole words only
        ("at", "they met at noon", True),
        ("at", "the state", False),
        ("rare-earth metals", "talks on rare-earth metals", True),  # a phrase: whole words, in order
        ("metals rare-earth", "talks on rare-earth metals", False),
        ("earth metal", "talks on rare-earth metals", False),
        ("Japarov's", "President Japarov's answer", True),
        ("élysée", "the Elysee palace", True),
    ],
)
def test_found(query, text, hit):
    """Each case of the rule in the module docstring."""
    assert found(needle(query), haystack(text, "")) is hit


def test_title_and_summary_are_both_searched():
    """A word in either field is found."""
    assert found(needle("summary"), haystack("title", "in the summary"))
    assert found(needle("title"), haystack("title", "in the summary"))


def test_a_query_without_letters_finds_nothing_to_look_for():
    """Punctuation alone is no needle; the query layer refuses it."""
    assert needle("!?") == ()
