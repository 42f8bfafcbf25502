"""Regenerate docs/timeline.png: the bundled store as `timeline list --format html`, shot by headless Chromium.

    python docs/screenshot.py                  # writes docs/timeline.png

Needs Debian's `chromium` (apt-get install chromium) and timeline installed. The page is
rendered from the repository's events.toml with the repository's code, so the picture shows
what the README's HTML section describes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PNG = ROOT / "docs" / "timeline.png"
SIZE = (1000, 1400)  # width, height in CSS pixels: the page's head and its first months


def render_html(target: Path) -> None:
    """The bundled timeline as the standalone HTML page, written to `target`."""
    command = [sys.executable, "-m", "timeline", "list", "--file", str(ROOT / "events.toml"), "--output", str(target)]
    # A fixed stamp and no cache: the same repository gives the same page.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "TIMELINE_NO_CACHE": "1", "PYTHONPATH": str(ROOT)}
    subprocess.run(command, check=True, env=env)


def shoot(html: Path, png: Path) -> None:
    """Headless Chromium's screenshot of `html` at SIZE."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("docs/screenshot.py: no chromium on PATH; install Debian's chromium package")
    with tempfile.TemporaryDirectory(prefix="timeline-shot-") as profile:
        subprocess.run(
            [
                browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--user-data-dir={profile}", f"--window-size={SIZE[0]},{SIZE[1]}",
                f"--screenshot={png}", html.as_uri(),
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PNG, help="where to write the PNG (default: docs/timeline.png)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="timeline-shot-") as folder:
        html = Path(folder) / "timeline.html"
        render_html(html)
        shoot(html, args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
