"""A real browser for tests: Debian's Chromium (/usr/bin/chromium) driven by Playwright.

Playwright's own browser download is never used. Without Chromium or Playwright the tests that
need a browser are skipped, except under CI (CI=true), where that fails the run
(`apt-get install -y chromium` installs it; .ci/run does).

    def test_page(browser_page):
        browser_page.goto(url)
        ...
        assert browser_page.errors == []

`phone_page` is the same on a phone's screen, with touch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, List

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
# A phone: 360 px wide, touch, the page's viewport meta obeyed (`phone_page`).
PHONE = {"width": 360, "height": 740}


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} (CI=true: the browser is required)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium for the tests of one module, closed after them (so that the tests
    after them can run asyncio event loops of their own)."""
    yield from launched_chromium()


def launched_chromium() -> Iterator[object]:
    """Chromium, closed when the generator is: the `chromium` fixture's, also for fixtures of a
    narrower scope. While it runs, no test in the process can start an asyncio event loop."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed")
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class BrowserPage:
    """A page with every console error and uncaught exception it met collected in `errors`."""

    page: object
    errors: List[str] = field(default_factory=list)

    def __getattr__(self, name: str):
        return getattr(self.page, name)

    def screenshot_to(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_page(browser, viewport=VIEWPORT, **context_options) -> BrowserPage:
    context = browser.new_context(viewport=viewport, accept_downloads=True, **context_options)
    page = context.new_page()
    wrapped = BrowserPage(page)
    page.on(
        "console",
        lambda message: wrapped.errors.append(f"console: {message.text}")
        if message.type == "error"
        else None,
    )
    page.on("pageerror", lambda error: wrapped.errors.append(f"page error: {error}"))
    return wrapped


@pytest.fixture
def browser_page(chromium) -> Iterator[BrowserPage]:
    """A fresh page (its own cookies) in the session's Chromium."""
    page = open_page(chromium)
    yield page
    page.page.context.close()


@pytest.fixture
def phone_page(chromium) -> Iterator[BrowserPage]:
    """A fresh page on a phone's screen (PHONE), tapped rather than clicked."""
    page = open_page(chromium, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    page.page.context.close()
