"""timeline.text: one fold, one set of unsafe characters written three ways, one "did you mean"."""

from __future__ import annotations

import json

import pytest

from timeline.text import CONTROL, clean, did_you_mean, fold, json_escape, printable, short, suggest

# One of each kind the set must hold: C0, DEL, C1, separators, bidi and invisible format controls.
UNSAFE = ["\x00", "\x1b", "\r", "\x7f", "\x85", "\x9b", "\u061c", "\u200b", "\u200e", "\u2028", "\u202e", "\u2066",
          "\ufeff", "\ufffb"]  # fmt: skip


def test_fold_ignores_case_accents_and_spacing():
    """fold() matches what people type: case, accents and runs of spaces do not matter."""
    assert fold("  Jeenbek   KULUBAEV ") == "jeenbek kulubaev"
    assert fold("Erdoğan") == fold("erdogan")
    assert fold("Müller") == "muller"


@pytest.mark.parametrize("ch", UNSAFE)
def test_every_output_form_neutralises_the_same_set(ch):
    """clean, printable and json_escape all treat each unsafe character, so no output lets one through."""
    assert CONTROL.fullmatch(ch)
    assert ch not in clean(f"a{ch}b") and "\ufffd" in clean(f"a{ch}b")
    assert ch not in printable(f"a{ch}b")
    escaped = json_escape(json.dumps(f"a{ch}b", ensure_ascii=False))
    assert ch not in escaped and json.loads(escaped) == f"a{ch}b"


def test_clean_keeps_lines_only_when_asked():
    """Newlines and tabs become spaces on one line, and are kept in multi-line cells."""
    assert clean("a\nb\tc") == "a b c"
    assert clean("a\nb\tc\x1b", newlines=True) == "a\nb\tc\ufffd"


def test_text_that_is_safe_passes_unchanged():
    """Letters of any script, accents, dashes and emoji are data, not danger."""
    text = "Жапаров – Müller 日本 🙂"
    assert clean(text) == printable(text) == json_escape(text) == text


def test_printable_escapes_only_what_is_unsafe():
    """printable() keeps letters and accents and escapes controls, bidi marks and line separators."""
    assert printable("Müller – ok") == "Müller – ok"
    assert printable("a\nb\tc\x1b\u2028\u202e\x85") == "a\\nb\\tc\\x1b\\u2028\\u202e\\x85"


def test_short_cuts_long_text():
    """Quoted store text is cut to a readable length, ending with an ellipsis."""
    assert short("x" * 100) == "x" * 59 + "…"
    assert short("ok") == "ok"


def test_did_you_mean_names_close_choices_or_nothing():
    """One wording for every suggestion; None when nothing is close."""
    assert did_you_mean("kulubayev", ["kulubaev", "kazakbaev", "blinken"]) == "did you mean 'kulubaev'?"
    assert did_you_mean("zzz", ["kulubaev"]) is None


def test_suggest_names_the_closest_or_lists_all():
    """suggest() gives one close match or the list of choices."""
    assert suggest("titel", ("title", "summary")) == "did you mean 'title'?"
    assert suggest("qq", ("title", "summary")) == "expected one of: title, summary"
