"""Fixtures shared by every app's tests."""

from __future__ import annotations

import csv
import socket

import pytest
from aiosmtpd.controller import Controller

from camreg.web.tests.browser import (
    CHROMIUM,
    LANGUAGE_COOKIE,
    VIEWPORTS,
    acquire_browser,
    release_browser,
)

# A few real-looking Bakersfield addresses (inside Kern County) and one outside it.
ADDRESS_POINTS = [
    # LON, LAT, NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE
    (-119.0210, 35.3733, "1200", "Truxtun Ave", "", "Bakersfield", "Kern", "CA", "93301"),
    (-119.0400, 35.3520, "2400", "Ming Ave", "", "Bakersfield", "Kern", "CA", "93304"),
    (-119.0900, 35.3300, "5300", "White Ln", "", "Bakersfield", "Kern", "CA", "93309"),
    (-119.0180, 35.3950, "900", "N Chester Ave", "", "Bakersfield", "Kern", "CA", "93308"),
    # Los Angeles City Hall: outside the jurisdiction.
    (-118.2427, 34.0537, "200", "N Spring St", "", "Los Angeles", "", "CA", "90012"),
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture
def address_points(db, tmp_path):
    """The address-points table loaded the way an operator loads it."""
    from django.core.management import call_command

    path = tmp_path / "points.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE"]
        )
        writer.writerows(ADDRESS_POINTS)
    call_command("import_address_points", str(path), verbosity=0)
    return ADDRESS_POINTS


@pytest.fixture
def auto_confirm(db):
    from camreg.agency import services as agency_services
    from camreg.agency.models import ConfirmMode

    return agency_services.update(agency_services.current(), confirm_mode=ConfirmMode.AUTOMATIC)


class RecordingHandler:
    """Accepts every message (or rejects them all with `reply`) and keeps the envelopes."""

    def __init__(self, reply: str = "250 Message accepted for delivery"):
        self.envelopes: list = []
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):
        if self.reply.startswith("250"):
            self.envelopes.append(envelope)
        return self.reply


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Camera Registry <registry@example.org>"
    yield handler
    controller.stop()


# Browser tests (any app): one system Chromium per test session, a fresh context per test.
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
