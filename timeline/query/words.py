"""Text search: which events a word or a phrase finds. One rule for `--text`, `text:` and bare words.

- An event's text is its title and summary, folded (case and accents do not matter) and cut into
  words: runs of letters and digits, so "foreign-agents" is two words and "Japarov's" two.
- A word of three or more characters matches inside a word: "agent" finds "foreign-agents",
  "envoy" finds "envoys". A shorter word matches only a whole word: "a" does not find "agent".
- A phrase matches its words side by side, in order, each a whole word. Quotes make a phrase
  (`"meddling letter"`), and so does a word that folds into several ("Japarov's", "foreign-agents").
- Several words or phrases all have to match (in any order); `or` and `not:` work as for any term.

The cache's text index answers with exactly this rule (`needle` and `found`), so an indexed
search and a full load find the same events.
"""

from __future__ import annotations

import re

from timeline.text import fold

WORD = re.compile(r"\w+")
# Words shorter than this match only whole words.
INSIDE = 3


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    return WORD.findall(fold(text))


def needle(value: str) -> tuple[str, ...]:
    """What one search term looks for: one word, or the words of a phrase. Empty: nothing to find."""
    return tuple(words(value))


def found(wanted: tuple[str, ...], haystack: str) -> bool:
    """Does `haystack` (folded words joined by single spaces, with a space at each end) hold `wanted`?"""
    if len(wanted) == 1 and len(wanted[0]) >= INSIDE:
        return wanted[0] in haystack
    return f" {' '.join(wanted)} " in haystack


def haystack(title: str, summary: str) -> str:
    """An event's searchable text in the form `found` reads."""
    return f" {' '.join(words(title))} {' '.join(words(summary))} "
