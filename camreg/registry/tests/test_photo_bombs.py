"""Decompression bombs over real HTTP cannot freeze the site (decision 0016).

A 6,324 x 6,324 one-bit PNG is about 5 KB, yet decoding it and converting it to RGB takes
about 120 MB and a noticeable share of a second; ten of them in one request used to keep a
web worker busy for seconds and two such requests took every worker. These tests post ten
of them to the registration form and to the portal's edit page of a live server on
loopback, with a real HTTP client, while another thread asks for /healthz, and check that
the server spends under a second of CPU on the request and /healthz keeps answering
within a second.
"""

from __future__ import annotations

import io
import re
import resource
import threading
import time

import pytest
import requests
from django.conf import settings
from PIL import Image

from camreg.registry.forms import RegistrationForm
from camreg.testing.registrants import (
    form_post,
    make_registrant,
    portal_client,
    registration_post,
)

BOMBS = 10
SIDE = 6324
CPU_LIMIT_S = 1.0
HEALTHZ_LIMIT_S = 1.0

pytestmark = pytest.mark.django_db(transaction=True)


def bomb_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (SIDE, SIDE)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _cpu_seconds() -> float:
    """CPU time of this process (the live server runs in it) and of its finished children
    (photo decoders)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class HealthzPoller(threading.Thread):
    """Asks for /healthz again and again; records the slowest answer."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    response = session.get(self.url, timeout=30)
                    if response.status_code != 200:
                        self.failures.append(str(response.status_code))
                except requests.RequestException as exc:
                    self.failures.append(repr(exc))
                self.latencies.append(time.monotonic() - started)
                self.stop.wait(0.1)


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _post_bombs(live_server, session: requests.Session, path: str, data: dict):
    url = live_server.url + path
    data = {**data, "csrfmiddlewaretoken": _csrf(session, url)}
    bomb = bomb_png()
    files = [(f"s0-c{j}-photo", (f"view{j}.png", bomb, "image/png")) for j in range(BOMBS)]
    poller = HealthzPoller(live_server.url + "/healthz")
    poller.start()
    time.sleep(0.3)  # a few answers before the request, for comparison
    cpu_before = _cpu_seconds()
    response = session.post(url, data=data, files=files, timeout=120, allow_redirects=False)
    cpu = _cpu_seconds() - cpu_before
    time.sleep(0.3)
    poller.stop.set()
    poller.join()
    print(
        f"\n{path}: {BOMBS} bombs of {len(bomb)} bytes: status {response.status_code}, "
        f"server CPU {cpu:.3f} s, /healthz slowest {max(poller.latencies):.3f} s "
        f"over {len(poller.latencies)} requests"
    )
    return response, cpu, poller


def _assert_refused_quickly(response, cpu, poller) -> None:
    assert response.status_code == 400
    # Each photo field says so, and the summary above the form lists each.
    assert response.text.count("The photo has more than 12 megapixels") == 2 * BOMBS
    assert cpu < CPU_LIMIT_S
    assert not poller.failures
    assert max(poller.latencies) < HEALTHZ_LIMIT_S


def test_ten_bombs_in_one_registration(live_server, address_points):
    data = registration_post(sites=[({}, [{"label": f"Camera {j}"} for j in range(BOMBS)])])
    with requests.Session() as session:
        response, cpu, poller = _post_bombs(live_server, session, "/register/", data)
    _assert_refused_quickly(response, cpu, poller)


def test_ten_bombs_in_one_portal_edit(live_server):
    registrant = make_registrant(
        status="active",
        phone="6615550123",
        cameras=[{"label": f"Camera {j}"} for j in range(BOMBS)],
    )
    client = portal_client(registrant)
    form = RegistrationForm(with_terms=False, initial=RegistrationForm.initial_for(registrant))
    with requests.Session() as session:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
        response, cpu, poller = _post_bombs(
            live_server, session, "/my-registration/edit/", form_post(form)
        )
    _assert_refused_quickly(response, cpu, poller)
