"""`timeline init`, and building a whole store by command from an empty folder."""

from __future__ import annotations

import json

from tests.test_cli import run
from timeline import store


def test_init_creates_a_store_that_loads_empty(tmp_path, capsys):
    """The new file has a commented header and a [store] table, and loads with no events."""
    code, out, _ = run(capsys, "init", "--title", 'Kyrgyzstan "and" US')
    assert code == 0 and "events.toml" in out
    text = (tmp_path / "events.toml").read_text(encoding="utf-8")
    assert text.startswith("# ") and "[[events]]" in text and "undo" in text.lower()
    s = store.load(tmp_path / "events.toml")
    assert (s.title, s.events) == ('Kyrgyzstan "and" US', ())


def test_init_never_overwrites(tmp_path, capsys):
    """An existing file, even an empty one, is refused and left exactly as it was."""
    path = tmp_path / "events.toml"
    path.write_bytes(b"")
    code, out, err = run(capsys, "init")
    assert (code, out) == (1, "")
    assert "already exists" in err and "never overwrites" in err
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.toml"]


def test_init_into_a_folder_or_a_named_file(tmp_path, capsys):
    """A folder gets its events.toml; any other path is the file itself."""
    (tmp_path / "dir").mkdir()
    assert run(capsys, "init", "dir")[0] == 0
    assert run(capsys, "init", "other.toml")[0] == 0
    assert store.load(tmp_path / "dir" / "events.toml").events == ()
    assert store.load(tmp_path / "other.toml").events == ()


def test_init_in_a_missing_folder_is_an_error(tmp_path, capsys):
    """A path whose folder does not exist is an error that names the folder."""
    code, _, err = run(capsys, "init", "nowhere/events.toml")
    assert code == 1 and "nowhere" in err and "does not exist" in err


def test_a_store_from_nothing_without_an_editor(tmp_path, capsys):
    """init, actors add, sources add and add build a store that list shows."""
    steps = [
        ("init", "--title", "Kyrgyzstan–US, 2024"),
        ("actors", "add", "Jeenbek Kulubaev", "--id", "kulubaev", "--country", "KG",
         "--office", "Minister of Foreign Affairs", "--org", "Kyrgyzstan", "--start", "2022-04-22"),
        ("actors", "add", "Lesslie Viguerie", "--country", "US", "--office", "Ambassador", "--start", "30 Dec 2022"),
        ("sources", "add", "24.kg", "--id", "24kg", "--kind", "news agency", "--url", "https://24.kg/english/"),
        ("add", "--date", "9 Feb 2024", "--title", "Kulubaev hands Viguerie the reply to Blinken",
         "--actor", "Jeenbek Kulubaev", "--actor", "lesslie-viguerie", "--source", "24kg",
         "--url", "https://24.kg/english/286437", "--type", "meeting", "--tag", "correspondence"),
    ]  # fmt: skip
    for args in steps:
        code, _, err = run(capsys, *args)
        assert code == 0, err
    code, out, _ = run(capsys, "list", "--format", "json")
    assert code == 0
    (event,) = json.loads(out)
    assert event["id"] == "2024-02-09-kulubaev-hands-viguerie-reply-blinken"
    assert event["actors"] == ["kulubaev", "lesslie-viguerie"]
    assert event["citations"][0]["url"] == "https://24.kg/english/286437"
    code, out, _ = run(capsys, "list", "--format", "plain")
    assert "Kulubaev hands Viguerie the reply to Blinken" in out and "Jeenbek Kulubaev" in out
