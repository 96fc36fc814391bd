"""Debian's headless Chromium driven by Playwright, for the browser tests.

Playwright's Python package (in the ``test`` extra) talks to the system
Chromium at /usr/bin/chromium (``executable_path``); it never downloads a
browser. ``make test`` installs Debian's chromium when it is missing (as root);
where that is impossible the browser tests are skipped with a loud reason.
Screenshots of failures go to ``tests/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--disable-dev-shm-usage"]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


CHROMIUM = _chromium()

try:
    from playwright.sync_api import sync_playwright
    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - the test extra installs it
    HAVE_PLAYWRIGHT = False

SKIP_REASON = None
if CHROMIUM is None:
    SKIP_REASON = ("!!! chromium NOT INSTALLED: the HTML outputs were NOT tested in a browser. "
                   "Run `make test` as root (it installs Debian's chromium) or "
                   "apt-get install chromium !!!")
elif not HAVE_PLAYWRIGHT:
    SKIP_REASON = ("!!! playwright NOT INSTALLED: the HTML outputs were NOT tested in a "
                   "browser. pip install -e '.[test]' installs it !!!")

needs_browser = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``), closed at the end."""
    assert CHROMIUM is not None and HAVE_PLAYWRIGHT
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot of ``page`` (for a failure) and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120] + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception:  # the page may be gone: the assertion message still says why
        pass
    return path


@contextmanager
def shot_on_failure(page: Any, name: str) -> Iterator[None]:
    """Run a block of checks; on an AssertionError keep a screenshot and name it."""
    try:
        yield
    except AssertionError as e:
        path = screenshot(page, name)
        raise AssertionError(f"{e}\n(screenshot: {path})") from None
