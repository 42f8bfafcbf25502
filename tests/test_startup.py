"""Start-up stays lean: the CLI imports only what the command being run needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Heavy or unrelated to a plain listing: each is imported inside the function that uses it.
NOT_AT_START = (
    "dateutil",
    "rich",
    "rich.console",
    "rich.markdown",
    "markdown_it",
    "icalendar",
    "jsonschema",
    "sqlite3",
    "pickle",
    "tomli",
    "tomllib",
    "json",
    "timeline.store.schema",
    "timeline.store",
    "timeline.cache",
    "timeline.cache.index",
    "timeline.formats.terminal",
    "timeline.formats.markdown",
)
NOT_FOR_PLAIN_LIST = (
    "dateutil",
    "rich",
    "rich.console",
    "rich.markdown",
    "markdown_it",
    "icalendar",
    "jsonschema",
    "timeline.formats.terminal",
    "timeline.formats.markdown",
    "timeline.formats.json",
)


def modules_after(code: str, cwd: Path) -> set[str]:
    """The names in sys.modules after running `code` in a fresh interpreter."""
    report = "loaded = sorted(sys.modules)\nimport json\nsys.stderr.write('\\nMODULES ' + json.dumps(loaded))"
    script = f"import sys\n{code}\n{report}"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, timeout=60)
    marker = proc.stderr.rindex("MODULES ")
    return set(json.loads(proc.stderr[marker + len("MODULES ") :]))


def test_importing_the_cli_loads_no_command_dependencies(tmp_path):
    """`import timeline.cli` pulls in none of the parsers, renderers or caches."""
    loaded = modules_after("import timeline.cli", tmp_path)
    assert "timeline.cli" in loaded
    assert sorted(set(NOT_AT_START) & loaded) == []


def test_plain_list_loads_no_rich_dateutil_or_other_formats(tmp_path):
    """`timeline list --format plain` on the bundled store never imports rich, dateutil or other renderers."""
    code = (
        "from timeline.cli import main\n"
        "try:\n"
        f"    main(['list', '--format', 'plain', '--file', {str(ROOT / 'events.toml')!r}])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
    )
    loaded = modules_after(code, tmp_path)
    assert "timeline.formats.plain" in loaded
    assert sorted(set(NOT_FOR_PLAIN_LIST) & loaded) == []
