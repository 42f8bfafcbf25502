"""JSON: `list --format json` checked against the JSON Schema in schema/list.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schema" / "list.schema.json").read_text(encoding="utf-8"))
DATA = Path(__file__).parent / "data" / "formats"
STORES = [ROOT / "events.toml", DATA / "fixture.toml", DATA / "hostile.toml"]


def listing(capsys, store: Path) -> str:
    code, out, err = run(capsys, "list", "-f", str(store), "--format", "json")
    assert code == 0, err
    return out


def test_schema_is_valid():
    """The schema file is itself a valid draft 2020-12 JSON Schema."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("store", STORES, ids=lambda p: p.name)
def test_output_matches_schema(capsys, store):
    """Every event object validates, with no key the schema does not know."""
    events = json.loads(listing(capsys, store))
    assert events
    jsonschema.Draft202012Validator(SCHEMA).validate(events)


@pytest.mark.parametrize("store", STORES, ids=lambda p: p.name)
def test_key_order_is_the_schemas(capsys, store):
    """Keys come in the order the schema lists them, for events, citations and claims alike."""
    defs = SCHEMA["$defs"]
    for event in json.loads(listing(capsys, store)):
        assert list(event) == list(defs["event"]["properties"])
        for citation in event["citations"]:
            assert list(citation) == list(defs["citation"]["properties"])
        for claim in event["claims"]:
            assert list(claim) == list(defs["claim"]["properties"])


def test_output_is_stable(capsys):
    """Two runs give byte-identical output."""
    store = DATA / "fixture.toml"
    assert listing(capsys, store) == listing(capsys, store)


def test_schema_rejects_drift():
    """A renamed or missing key fails validation, so the schema really pins the format."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    good = json.loads((Path(__file__).parent / "golden" / "formats" / "fixture.json").read_text(encoding="utf-8"))
    renamed = [dict(good[0])]
    renamed[0]["headline"] = renamed[0].pop("title")
    assert not validator.is_valid(renamed)
    missing = [dict(good[0])]
    del missing[0]["earliest"]
    assert not validator.is_valid(missing)


@pytest.mark.parametrize("store", STORES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["json", "timelinejs"])
@pytest.mark.parametrize("since", [None, "2030"])
def test_written_piece_by_piece_as_json_dumps_writes_the_whole(capsys, store, fmt, since):
    """The reports are written an object at a time to spare memory; the text must be exactly what
    json.dumps(…, indent=2) makes of the whole document, for an empty answer and hostile text too."""
    from timeline.text import json_escape

    window = ["--since", since] if since else []
    code, out, err = run(capsys, "list", "--file", str(store), "--format", fmt, *window)
    assert code == 0, err
    assert out == json_escape(json.dumps(json.loads(out), ensure_ascii=False, indent=2)) + "\n"
