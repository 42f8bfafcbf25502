"""HTML: a standalone, accessible page; checked as markup here and rendered in headless Chromium.

The browser tests drive Debian's `chromium` over the DevTools protocol on a pipe (no network
port, no extra Python packages). Without a chromium binary they skip locally and fail in CI,
where `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_cli import run
from timeline import dates
from timeline.formats.html import datetime_value, time_element

DATA = Path(__file__).parent / "data" / "formats"
# A valid HTML date, month, year or global date-and-time string (the forms we emit).
_HTML_DATETIME = re.compile(r"\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?)?)?")


def page(capsys, tmp_path: Path, store: Path, *args: str) -> Path:
    target = tmp_path / "page.html"
    code, _, err = run(capsys, "list", "-f", str(store), "--format", "html", "--output", str(target), *args)
    assert code == 0, err
    return target


class _Times(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.times: list[dict[str, str | None]] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "time":
            self.times.append(a)
        for name in ("src", "href"):
            value = a.get(name)
            if value and tag != "a":
                self.external.append(value)


def test_page_is_standalone_with_real_time_bounds(capsys, tmp_path):
    """No external resources; every <time> has a valid datetime and the event's exact bounds."""
    text = page(capsys, tmp_path, DATA / "fixture.toml").read_text(encoding="utf-8")
    parser = _Times()
    parser.feed(text)
    assert parser.external == []
    assert "<script" not in text and "@import" not in text and "url(" not in text
    assert "Content-Security-Policy" in text and "script-src" not in text  # default-src 'none' covers scripts
    values = {t["datetime"] for t in parser.times}
    assert all(_HTML_DATETIME.fullmatch(v or "") for v in values), values
    assert {"2022", "2023-05", "2024-02-03", "2024-03", "2024-07-01T14:30+06:00"} <= values
    month = next(t for t in parser.times if t["datetime"] == "2023-05")
    assert (month["data-earliest"], month["data-latest"]) == ("2023-05-01", "2023-05-31")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-02-09", "2024-02-09"),
        ("2024-02", "2024-02"),
        ("2024-02-XX", "2024-02"),
        ("2024", "2024"),
        ("2024-03-28/2024-04-02", "2024"),
        ("2023-12-30/2024-01-02", None),
        ("202X", None),
        ("2024-06/..", None),
        ("2024-07-01T14:30Z", "2024-07-01T14:30Z"),
    ],
)
def test_datetime_value_is_what_the_bounds_share(text, value):
    """The datetime attribute is the day, month or year both bounds share, and nothing when they share none."""
    assert datetime_value(dates.parse(text)) == value


def test_time_element_falls_back_to_a_span():
    """A date with no valid HTML datetime is a <span> that still carries its known bound."""
    html = time_element(dates.parse("2024-06/.."))
    assert html.startswith('<span class="date" data-earliest="2024-06-01"') and "data-latest" not in html
    assert date.max.isoformat() not in html


def test_relations_link_within_the_page(capsys, tmp_path):
    """A 'Responds to' link points at the other event's anchor when that event is on the page."""
    text = page(capsys, tmp_path, DATA / "fixture.toml").read_text(encoding="utf-8")
    assert 'id="event-letters"' in text and '<a href="#event-letters">May 2023, Mayors exchange letters</a>' in text


# --- in the browser ------------------------------------------------------------------------


class Browser:
    """Headless Chromium spoken to over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def wire() -> None:
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire,
        )  # fmt: skip
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self._write)
        os.close(self._read)

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise EOFError("chromium exited")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._write, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 30
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._next:
                assert "error" not in reply, reply
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install Debian's chromium package (.ci/run does): the HTML page test needs it")
        pytest.skip("no chromium binary on PATH; install Debian's chromium package to run the browser tests")
    browser = Browser(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


def open_page(browser: Browser, url: str, *, width: int = 1000, scheme: str = "light", media: str = "") -> str:
    """Open `url` in a fresh tab with the given viewport, colour scheme and media; return its session."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session)
    browser.send(
        "Emulation.setDeviceMetricsOverride", session, width=width, height=900, deviceScaleFactor=1, mobile=False
    )
    features = [{"name": "prefers-color-scheme", "value": scheme}]
    browser.send("Emulation.setEmulatedMedia", session, media=media, features=features)
    browser.events.clear()
    browser.send("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired")
    return session


def evaluate(browser: Browser, session: str, expression: str):
    result = browser.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
    return result["result"].get("value")


def complaints(browser: Browser) -> list[dict]:
    """Console calls, exceptions, dialogs and error/warning log entries seen so far."""
    noisy = {"Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Page.javascriptDialogOpening"}
    out = [e for e in browser.events if e.get("method") in noisy]
    out += [
        e for e in browser.events
        if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning")
    ]  # fmt: skip
    return out


def test_bundled_page_renders_cleanly(chromium, bundled, capsys, tmp_path):
    """The bundled page loads with no console output, shows every event, and fits a phone's width."""
    url = page(capsys, tmp_path, bundled).as_uri()
    session = open_page(chromium, url, width=375)
    assert complaints(chromium) == []
    shown = evaluate(chromium, session, "document.querySelectorAll('li.event').length")
    code, out, _ = run(capsys, "list", "--format", "json")
    assert shown == len(json.loads(out)) > 0
    assert evaluate(chromium, session, "document.documentElement.scrollWidth <= window.innerWidth") is True
    assert evaluate(chromium, session, "document.querySelector('h1').textContent").startswith("Kyrgyzstan")


@pytest.mark.parametrize(("scheme", "media", "background"), [
    ("light", "", "rgb(251, 251, 250)"),
    ("dark", "", "rgb(17, 20, 23)"),
    ("dark", "print", "rgb(255, 255, 255)"),
])  # fmt: skip
def test_light_dark_and_print(chromium, capsys, tmp_path, scheme, media, background):
    """The page follows the reader's colour scheme, and prints black on white whatever the scheme."""
    session = open_page(chromium, page(capsys, tmp_path, DATA / "fixture.toml").as_uri(), scheme=scheme, media=media)
    got = evaluate(chromium, session, "getComputedStyle(document.body).backgroundColor")
    assert got == background
    if media == "print":
        link = "getComputedStyle(document.querySelector('ol.sources a'), '::after').content"
        assert evaluate(chromium, session, link).startswith('" <https://')


def test_hostile_store_cannot_run_script(chromium, capsys, tmp_path):
    """Hostile titles, names and addresses stay text: no script runs, no handler or javascript: link exists."""
    session = open_page(chromium, page(capsys, tmp_path, DATA / "hostile.toml").as_uri())
    assert complaints(chromium) == []
    checks = {
        "scripts": "document.scripts.length",
        "handlers": "[...document.querySelectorAll('*')]"
        ".filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length",
        "bad links": "[...document.links].filter(a => !/^(https?:|file:.*#)/.test(a.href)).length",
        "images": "document.images.length",
        "iframes": "document.querySelectorAll('iframe, object, embed, svg, img, form').length",
    }  # fmt: skip
    for name, expression in checks.items():
        assert evaluate(chromium, session, expression) == 0, name
    title = evaluate(chromium, session, "document.querySelector('h1').textContent")
    assert "<script>alert('title')</script>" in title and "[bold red]Pwned[/]" in title
