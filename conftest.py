"""Fixtures shared by every app's tests."""

from __future__ import annotations

import csv
import socket

import pytest
from aiosmtpd.controller import Controller

from camreg.testing.browser import (
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


def pytest_sessionstart(session):
    """Compile the translations first: a fresh clone has only the .po files, and Spanish
    pages and emails need the .mo files. Once per run (with xdist, in the controller before
    the workers start, so they never race), before any module is imported; a no-op when the
    .mo files are newer than the .po files (after `make static`)."""
    if hasattr(session.config, "workerinput"):
        return
    import io

    from django.core.management import call_command

    call_command("compile_translations", verbosity=0, stdout=io.StringIO())
    # The USWDS build every page links to (not committed): compiled from its Sass sources
    # when missing or older than them, as `make static` does (decision 0020).
    call_command("build_css", verbosity=0, stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request earlier in the same
    thread may have activated another (a Spanish page), and services called directly
    speak the active language."""
    from django.utils import translation

    translation.deactivate_all()
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


# Fixtures that give a test the database; pytest-django's `django_db` marker does too.
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _agency(request, _fresh_cache):
    """Every test that uses the database runs with the demo agency (Kern County), created
    here through the demo app, as `make run` does; nothing creates an agency implicitly.
    Mark a test `no_agency` to see a new installation, before `setup_agency`."""
    if request.node.get_closest_marker("no_agency"):
        return None
    uses_database = request.node.get_closest_marker("django_db") or (
        _DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_database:
        return None
    request.getfixturevalue("_django_db_helper")
    from camreg.demo.agency import ensure_agency

    return ensure_agency()


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
def demo_address_points(db):
    """The demo's address points (about 4,000 invented Kern County addresses, the ones
    `make run` loads), for tests of what a resident types in the demo."""
    from camreg.demo.address_points import load_demo_address_points

    load_demo_address_points()


@pytest.fixture
def auto_confirm(db):
    from camreg.agency import services as agency_services
    from camreg.agency.models import ConfirmMode

    return agency_services.update(agency_services.current(), confirm_mode=ConfirmMode.AUTOMATIC)


# Staff and registrants (camreg.testing.staff and camreg.testing.registrants) ---------------
@pytest.fixture
def staff_client(db):
    """`staff_client("deputy", "supervisor", email=..., full_name=...)`: a test client signed
    in (second factor done) as a new staff member with those roles; the member is
    `client.user`."""
    from camreg.testing.staff import staff_client

    return staff_client


@pytest.fixture
def deputy(staff_client):
    return staff_client("deputy", email="dana.deputy@example.org", full_name="Dana Deputy")


@pytest.fixture
def supervisor(staff_client):
    return staff_client(
        "supervisor", email="sue.supervisor@example.org", full_name="Sue Supervisor"
    )


@pytest.fixture
def coordinator(staff_client):
    return staff_client(
        "program_coordinator", email="carla.coordinator@example.org", full_name="Carla Coordinator"
    )


@pytest.fixture
def auditor(staff_client):
    return staff_client("auditor", email="olive.auditor@example.org", full_name="Olive Auditor")


@pytest.fixture
def administrator(staff_client):
    return staff_client("administrator", email="alex.admin@example.org", full_name="Alex Admin")


@pytest.fixture
def make_registrant(db):
    """`make_registrant("Ana Ruiz", status=..., cameras=[{...}], language="es", ...)`: a
    registrant with one site and its cameras (see camreg.testing.registrants)."""
    from camreg.testing.registrants import make_registrant

    return make_registrant


@pytest.fixture
def visitors(db):
    """Everyone the permission matrix asks (camreg.testing.access): anonymous, registrants A
    and B each in their portal session, and one verified staff member per role."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.test import Client

    from camreg.accounts.roles import Role
    from camreg.testing.access import Visitors
    from camreg.testing.registrants import make_registrant, portal_client
    from camreg.testing.staff import staff_client

    default_storage.save("camera-photos/matrix.jpg", ContentFile(b"\xff\xd8\xff\xd9"))
    photo = {"label": "Front", "system_type": "other", "photo": "camera-photos/matrix.jpg"}
    a = make_registrant("Alice", email="alice@example.com", status="active", cameras=[photo])
    b = make_registrant("Bob", email="bob@example.com", status="active", cameras=[photo])
    clients = {
        "anonymous": Client(),
        "registrant_a": portal_client(a),
        "registrant_b": portal_client(b),
    }
    for role in Role.values:
        clients[role] = staff_client(role, email=f"{role}@example.org")
    return Visitors(a, b, a.sites.get().cameras.get()), clients


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
