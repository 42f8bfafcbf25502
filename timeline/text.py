"""The text helpers every layer shares: folding names, making store text inert, and "did you mean".

One set of characters is never passed through raw, whatever the output: C0 and C1 control codes,
DEL, the line and paragraph separators, and the invisible format and bidi controls (U+061C,
U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF, U+FFF9-U+FFFB) that can hide, reorder or
restyle text on a terminal or in a review diff. Each medium writes them its own way: `clean`
(reports and terminals) shows U+FFFD, `printable` (messages) an escape such as \\u202e,
`json_escape` a JSON \\uXXXX escape; the TOML writer escapes the same set.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# The one set, as a character class body; tab and newline are its first two members after NUL-BS,
# so that `clean(newlines=True)` can keep them.
CONTROL_CHARS = "\x00-\x08\x09\x0a\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_CONTROL_BUT_LINES = re.compile(f"[{CONTROL_CHARS.replace(chr(9) + chr(10), '')}]")
_SHORT = 60

# English on purpose: output must not depend on the machine's locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, spaces collapsed, for matching what people type."""
    if text.isascii():  # nothing to strip; casefold alone is many times cheaper
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def clean(text: str, *, newlines: bool = False) -> str:
    """Store text made inert for a report or terminal: each control character becomes U+FFFD.

    Newlines and tabs become spaces, unless `newlines` keeps them (for multi-line cells).
    """
    if newlines:
        return _CONTROL_BUT_LINES.sub("\ufffd", text)
    return CONTROL.sub("\ufffd", text.replace("\n", " ").replace("\t", " "))


def printable(text: str) -> str:
    """`text` on one inert line for a message: each control character becomes an escape like \\n or \\u202e."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def short(text: str) -> str:
    """Store text quoted inside a message: printable, and cut to a readable length."""
    text = printable(text)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def json_escape(text: str) -> str:
    """JSON text with each control character written as a \\uXXXX escape.

    `json.dumps(..., ensure_ascii=False)` leaves DEL, C1 controls (U+009B is a CSI on some
    terminals) and bidi overrides raw; escaped, the document means the same and prints safely.
    """
    # Tabs and newlines outside strings are the document's layout; inside strings json.dumps escapes them.
    return _CONTROL_BUT_LINES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def close_matches(word: str, choices: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The choices that look most like `word`, best first (difflib's similarity)."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> str | None:
    """ "did you mean 'a' or 'b'?" naming the closest choices, or None when nothing is close."""
    close = close_matches(word, choices, n=n, cutoff=cutoff)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{short(c)}'" for c in close) + "?"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 event', '2 events' (or `many` for an irregular plural)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def suggest(word: str, choices: Iterable[str]) -> str:
    """A hint naming the one closest choice, else listing every choice."""
    choices = list(choices)
    return did_you_mean(word, choices, n=1) or "expected one of: " + ", ".join(choices)
