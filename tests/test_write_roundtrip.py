"""Lossless round trips: export, import into a fresh store, export again gives the same bytes (CSV, JSON, TimelineJS).

Hypothesis makes the stores: names and text with ';', quotes, apostrophes, formula triggers, control
codes and non-Latin letters; every kind of date; disputed dates; citations with addresses, dates and
notes; offices; relations the dates allow.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_cli import run
from timeline import dates
from timeline.write import toml_out

# Text as people and feeds write it: any character but surrogates, sometimes a formula or a separator first.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
WORDS = st.one_of(
    TEXT.filter(str.strip),
    st.sampled_from(["=1+1", "-3.5", "@sum", "'quoted", "a;b", "back\\slash", "Erdoğan", "O'Neill", "陈静", " x "]),
)
DAYS = st.integers(1, 28)
MONTHS = st.integers(1, 12)
YEARS = st.integers(1900, 2030)


@st.composite
def edtf(draw) -> str:
    """A date in the store's language, of any precision, hedge or shape it accepts."""
    y, m, d = draw(YEARS), draw(MONTHS), draw(DAYS)
    single = draw(
        st.sampled_from([
            f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}", f"{y}-{m:02d}-XX", f"{y}-XX", f"{y // 10}X",
            f"{y}-{draw(st.integers(21, 24))}", f"{y}-{m:02d}-{d:02d}T14:30Z", f"{y}-{m:02d}-{d:02d}T09:05+06:00",
        ])
    ) + draw(st.sampled_from(["", "", "?", "~", "%"]))  # fmt: skip
    shape = draw(st.sampled_from(["single", "single", "span", "open-start", "open-end", "unknown-end"]))
    if shape == "span":
        text = f"{y}-{m:02d}/{y + draw(st.integers(0, 3))}-{m:02d}-{d:02d}"
    else:
        text = {
            "single": single,
            "open-start": f"../{single}",
            "open-end": f"{single}/..",
            "unknown-end": f"{single}/",
        }[shape]
    try:
        dates.parse(text)
    except dates.DateError:
        return f"{y}-{m:02d}"
    return text


@st.composite
def store_text(draw) -> str:
    """A valid store as TOML: actors (some with offices), sources (some with addresses), events."""
    parts = [toml_out.table("[store]", {"title": "Round trip"})]
    actors = [f"a{n}" for n in range(draw(st.integers(1, 4)))]
    offices: dict[str, str] = {}
    for a in actors:
        fields: dict = {"name": draw(WORDS)}
        if draw(st.booleans()):
            offices[a] = draw(st.sampled_from(["Minister", "Envoy", "Mayor"]))
            fields["roles"] = [{"title": offices[a], "start": "1900"}]
        parts.append(toml_out.table(f"[actors.{a}]", fields))
    sources = [f"s{n}" for n in range(draw(st.integers(1, 4)))]
    for s in sources:
        fields = {"name": draw(WORDS)}
        if draw(st.booleans()):
            fields["url"] = f"https://example.org/{s}"
        parts.append(toml_out.table(f"[sources.{s}]", fields))
    placed: list[tuple[str, dates.EDate]] = []
    for n in range(draw(st.integers(1, 6))):
        eid = f"e{n}"
        event: dict = {"id": eid}
        if draw(st.integers(0, 4)) == 0:
            claims = []
            for c in range(draw(st.integers(2, 3))):
                claim: dict = {"date": draw(edtf()), "sources": draw(st.lists(st.sampled_from(sources), unique=True))}
                if c == 0 and draw(st.booleans()):
                    claim["preferred"] = True
                if draw(st.booleans()):
                    claim["note"] = draw(WORDS)
                claims.append(claim)
            event["dates"] = claims
        else:
            event["date"] = draw(edtf())
        event["title"] = draw(WORDS)
        if draw(st.booleans()):
            event["summary"] = draw(TEXT)
        if draw(st.booleans()):
            event["type"] = draw(st.sampled_from(["meeting", "letter", "law"]))
        who = draw(st.lists(st.sampled_from(actors), unique=True, max_size=3))
        event["actors"] = [{"id": a, "role": offices[a]} if a in offices and draw(st.booleans()) else a for a in who]
        event["tags"] = draw(st.lists(WORDS, unique=True, max_size=3))
        cites = []
        for s in draw(st.lists(st.sampled_from(sources), unique=True, max_size=3)):
            extra = {}
            if draw(st.booleans()):
                extra["url"] = f"https://news.example/{draw(st.integers(0, 99))}?a=1;b=2"
            if draw(st.booleans()):
                extra["published"] = draw(st.sampled_from(["2024-02-10", "2024-02", "2023"]))
            if draw(st.booleans()):
                extra["note"] = draw(WORDS)
            cites.append({"id": s, **extra} if extra else s)
        event["sources"] = cites
        # Only links the dates allow: after an event that certainly ended before this one began.
        mine = dates.one_of([dates.parse(c["date"]) for c in event["dates"]]) if "dates" in event else None
        mine = mine or dates.parse(event["date"])
        event["after"] = [i for i, d in placed if d.latest < mine.earliest and draw(st.booleans())]
        placed.append((eid, mine))
        parts.append(toml_out.table("[[events]]", {k: v for k, v in event.items() if v != []}))
    return "\n".join(parts)


def _export(capsys, store: Path, fmt: str) -> str:
    code, out, err = run(capsys, "list", "--file", str(store), "--format", fmt, "--title", "Round trip")
    assert code == 0, err
    return out


@pytest.mark.parametrize("fmt", ["csv", "json", "timelinejs"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=store_text())
def test_export_import_export_is_identical(capsys, fmt, text):
    """A fresh store that imports an export exports the same bytes; no registration command is needed."""
    with tempfile.TemporaryDirectory() as folder:
        original, fresh = Path(folder, "a.toml"), Path(folder, "b.toml")
        original.write_text(text, encoding="utf-8")
        fresh.write_text('[store]\ntitle = "Round trip"\n', encoding="utf-8")
        exported = _export(capsys, original, fmt)
        Path(folder, f"export.{fmt}").write_text(exported, encoding="utf-8", newline="")
        code, _, err = run(capsys, "import", "--file", str(fresh), "--from", fmt, os.path.join(folder, f"export.{fmt}"))
        assert code == 0, err
        assert _export(capsys, fresh, fmt) == exported


def test_the_bundled_store_round_trips_in_every_import_format(bundled, tmp_path, capsys):
    """The curated store itself, through CSV, JSON and TimelineJS, into fresh stores."""
    for fmt in ("csv", "json", "timelinejs"):
        exported = _export(capsys, bundled, fmt)
        (tmp_path / f"x.{fmt}").write_text(exported, encoding="utf-8", newline="")
        fresh = tmp_path / f"fresh-{fmt}.toml"
        assert run(capsys, "init", str(fresh), "--title", "Round trip")[0] == 0
        code, _, err = run(capsys, "import", "--file", str(fresh), f"x.{fmt}")
        assert code == 0, err
        assert "registered 7 actors and 16 sources" in err
        assert _export(capsys, fresh, fmt) == exported, fmt
