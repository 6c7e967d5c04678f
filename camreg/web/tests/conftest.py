"""Fixtures for the browser tests: one Chromium per test session, a fresh context per test."""

from __future__ import annotations

import pytest

from .browser import CHROMIUM, LANGUAGE_COOKIE, VIEWPORTS, acquire_browser, release_browser


@pytest.fixture(scope="session")
def browser():
    """The system Chromium (shared with any other fixture that uses `acquire_browser`)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need the system Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")
    try:
        chromium = acquire_browser()
    except Exception as exc:  # noqa: BLE001 - any launch failure means: cannot run here
        pytest.skip(f"the system Chromium did not start: {exc}")
    yield chromium
    release_browser()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context: `new_page(viewport, language, javascript)`.

    Each page keeps its context's options in `page.context_options` and records
    Content-Security-Policy violations reported on its console in `page.csp_violations`.
    """
    contexts = []

    def open_page(viewport: str = "desktop", language: str | None = None, javascript=True):
        options = {
            **VIEWPORTS[viewport],
            "java_script_enabled": javascript,
            "base_url": live_server.url,
            "locale": "en-US",
        }
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        if language:
            context.add_cookies(
                [{"name": LANGUAGE_COOKIE, "value": language, "url": live_server.url}]
            )
        contexts.append(context)
        page = context.new_page()
        page.context_options = options
        page.csp_violations = []

        def on_console(message):
            if "Content Security Policy" in message.text:
                page.csp_violations.append(message.text)

        page.on("console", on_console)
        return page

    yield open_page
    for context in contexts:
        context.close()
