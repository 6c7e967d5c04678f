"""Fixtures for the browser tests: one Chromium per test session, a fresh context per test."""

from __future__ import annotations

import os

import pytest

from .browser import CHROMIUM, CHROMIUM_ARGS, LANGUAGE_COOKIE, VIEWPORTS


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need the system Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an asyncio loop running in this thread while it is
    # started, which makes Django refuse ORM calls from the test itself (and from any
    # later test in this worker) until it is stopped.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    except Exception as exc:  # noqa: BLE001 - any launch failure means: cannot run here
        playwright.stop()
        _restore(previous)
        pytest.skip(f"the system Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()
    _restore(previous)


def _restore(previous: str | None) -> None:
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context: `new_page(viewport, language, javascript)`.

    Each page records Content-Security-Policy violations reported on its console in
    `page.csp_violations`.
    """
    contexts = []

    def open_page(viewport: str = "desktop", language: str | None = None, javascript=True):
        context = browser.new_context(
            **VIEWPORTS[viewport],
            java_script_enabled=javascript,
            base_url=live_server.url,
            locale="en-US",
        )
        context.set_default_timeout(10_000)
        if language:
            context.add_cookies(
                [{"name": LANGUAGE_COOKIE, "value": language, "url": live_server.url}]
            )
        contexts.append(context)
        page = context.new_page()
        page.csp_violations = []

        def on_console(message):
            if "Content Security Policy" in message.text:
                page.csp_violations.append(message.text)

        page.on("console", on_console)
        return page

    yield open_page
    for context in contexts:
        context.close()
