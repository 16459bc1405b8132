"""Opening a report in a real headless Chromium (Debian's, as CI installs it) through
playwright: what it drew, what it logged, what it fetched, and a screenshot."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Where Debian's chromium package puts the browser (``.ci/run`` installs it when missing).
CHROMIUM = os.environ.get("AUTOML_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Opened:
    """What the browser saw: each plot's drawn size, console errors, requests beyond the file itself."""

    plots: dict[str, tuple[float, float]]
    notes: list[str]
    console_errors: list[str]
    requests: list[str]
    title: str


def require_browser() -> str:
    """The Chromium binary, or a skip saying why there is none."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium package (apt-get install "
            "chromium); here it could not be installed, so the report is not opened in a browser"
        )
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    return CHROMIUM


def open_report(path: Path, screenshot: Path) -> Opened:
    """Load ``path`` in headless Chromium with a fresh profile, wait for it, and measure."""
    from playwright.sync_api import sync_playwright

    browser_path = require_browser()
    with tempfile.TemporaryDirectory(prefix="automl-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=browser_path, headless=True, args=FLAGS, viewport={"width": 1200, "height": 900}
        )
        try:
            page = context.new_page()
            errors, requests = [], []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            plots = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('figure.plot')].map(
                f => { const s = f.querySelector('svg').getBoundingClientRect(); return [f.dataset.plot, [s.width, s.height]]; }))""")
            notes = page.evaluate("() => [...document.querySelectorAll('p.note[id]')].map(n => n.id)")
            page.screenshot(path=str(screenshot), full_page=True)
            title = page.title()
        finally:
            context.close()
    own = path.resolve().as_uri()
    return Opened({k: tuple(v) for k, v in plots.items()}, notes, errors, [r for r in requests if r != own], title)
