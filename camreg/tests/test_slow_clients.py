"""Slow clients cannot take every web worker (decision 0015).

Starts the web process the way production does (gunicorn with deploy/gunicorn.conf.py,
production settings) on loopback, lets four clients send a POST body at one byte a second,
and checks that /healthz keeps answering within a second meanwhile (measured every quarter
second for 5 seconds). With the former Procfile line (two sync workers) the slow requests
held both workers: /healthz got no answer for 30 seconds and more. Then the same with nginx
(deploy/nginx.conf) in front and 160 slow clients, where nginx is installed.

Real processes and real sockets, about 10 seconds each (more on a busy machine); in an xdist
group of their own so that they do not compete with each other for the CPU.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from camreg.tests.test_deploy_files import needs_nginx, nginx_binary, render_nginx

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SITE = "registry.example.org"
SLOW_CLIENTS = 4
NGINX_SLOW_CLIENTS = 160  # ten times gunicorn's threads (2 workers x 8)
SLOW_BODY_BYTES = 600  # at one byte a second: never complete during the test
HEALTHZ_LIMIT_S = 1.0
MEASURE_FOR_S = 5.0

pytestmark = pytest.mark.xdist_group("slow_clients")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _environment(tmp_path: Path, port: int = 8000) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        # The test run's own database, task backend and browser switches stay out.
        if key not in {"DATABASE_URL", "TASKS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="camreg.settings.production",
        SECRET_KEY="s" * 20 + "-slow-client-test-secret-" + "z9" * 20,
        AUDIT_HMAC_KEY="a" * 20 + "-slow-client-test-audit-key-" + "k3" * 10,
        MFA_ENCRYPTION_KEY="c2xvdy1jbGllbnQtdGVzdC1tZmEta2V5LTAxMjM0NTY=",
        ALLOWED_HOSTS=SITE,
        SITE_URL=f"https://{SITE}",
        TRUSTED_PROXY_COUNT="1",  # the clients below play the proxy: X-Forwarded-Proto
        DATABASE_URL=f"sqlite:///{tmp_path / DATABASE}",
        CACHE_URL="locmemcache://",
        CAMREG_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        BIND=HOST,
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    return environment


DATABASE = "camreg.sqlite3"
SET_UP = """
import django
from django.core.management import call_command

django.setup()
call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
call_command(
    "setup_agency",
    "--name", "Kern County Sheriff's Office", "--short-name", "KCSO",
    "--contact-email", "registry@example.org", "--contact-phone", "(661) 555-0100",
    "--time-zone", "America/Los_Angeles", "--jurisdiction-name", "Kern County",
    "--state", "CA", "--boundary", "camreg/demo/data/kern-county.geojson",
    verbosity=0,
)
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory) -> Path:
    """A migrated SQLite database with its agency (setup_agency): the site is open, so the
    slow requests get as far as the CSRF check, which reads the body. Made once; each test
    works on a copy."""
    folder = tmp_path_factory.mktemp("installation")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SET_UP],
        cwd=ROOT,
        env=_environment(folder),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def _copy_installation(installation: Path, tmp_path: Path) -> None:
    with (
        sqlite3.connect(installation / DATABASE) as source,
        sqlite3.connect(tmp_path / DATABASE) as copy,
    ):
        source.backup(copy)


Connect = Callable[[], socket.socket]


def plain(port: int) -> Connect:
    return lambda: socket.create_connection((HOST, port), timeout=10)


def tls(port: int) -> Connect:
    """HTTPS to the proxy, whose certificate is self-signed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return lambda: context.wrap_socket(
        socket.create_connection((HOST, port), timeout=10), server_hostname=SITE
    )


def _request(connect: Connect, raw: bytes) -> bytes:
    with connect() as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


HEALTHZ = (
    f"GET /healthz HTTP/1.1\r\nHost: {SITE}\r\nX-Forwarded-Proto: https\r\n"
    "Connection: close\r\n\r\n"
).encode()


def _healthz_seconds(connect: Connect) -> float:
    """Seconds until /healthz answered 200 (a failure counts as forever)."""
    started = time.monotonic()
    try:
        answer = _request(connect, HEALTHZ)
    except OSError:
        return float("inf")
    elapsed = time.monotonic() - started
    return elapsed if answer.startswith(b"HTTP/1.1 200") else float("inf")


@contextlib.contextmanager
def running(command: list[str], environment: dict[str, str] | None, log: Path):
    """`command` in its own process group, stopped (with its children) afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def wait_until_up(connect: Connect, process: subprocess.Popen, log: Path, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _healthz_seconds(connect) != float("inf"):
            return
        time.sleep(0.1)
    pytest.fail(f"{log.name}: /healthz did not answer:\n" + log.read_text(errors="replace"))


class SlowClient:
    """Sends a whole request head at once, then its body at one byte a second."""

    def __init__(self, connect: Connect, stop: threading.Event) -> None:
        self.sock = connect()
        self.stop = stop
        token = "a" * 32  # a well-formed CSRF cookie: the check reads the posted form
        head = (
            f"POST /register/ HTTP/1.1\r\nHost: {SITE}\r\nX-Forwarded-Proto: https\r\n"
            f"Origin: https://{SITE}\r\nCookie: csrftoken={token}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {SLOW_BODY_BYTES}\r\n\r\n"
        )
        self.sock.sendall(head.encode())
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        for _ in range(SLOW_BODY_BYTES):
            try:
                self.sock.sendall(b"x")
            except (OSError, ValueError):
                return
            if self.stop.wait(1.0):
                return

    def answered(self) -> bool:
        """Whether the server has answered or closed the connection (it no longer reads it)."""
        readable, _, _ = select.select([self.sock], [], [], 0)
        return bool(readable)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def healthz_under_slow_clients(
    connect: Connect, slow_clients: int, measure_for: float = MEASURE_FOR_S
) -> tuple[list[float], list[bool]]:
    """Time /healthz every quarter second while `slow_clients` send their bodies.

    Returns the latencies and, per slow client, whether the server had already answered it
    (False: its request was still being read, so it was holding the server's attention).
    """
    for _ in range(8):  # every worker has loaded the URLs before the clock starts
        _healthz_seconds(connect)
    stop = threading.Event()
    clients: list[SlowClient] = []
    try:
        clients = [SlowClient(connect, stop) for _ in range(slow_clients)]
        time.sleep(1.5)  # the server has taken them in and is reading their bodies
        latencies = []
        deadline = time.monotonic() + measure_for
        while time.monotonic() < deadline:
            latencies.append(_healthz_seconds(connect))
            time.sleep(0.25)
        return latencies, [client.answered() for client in clients]
    finally:
        stop.set()
        for client in clients:
            client.close()


PRODUCTION_WEB = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]


def test_healthz_answers_within_a_second_while_slow_clients_send_bodies(installation, tmp_path):
    _copy_installation(installation, tmp_path)
    port = _free_port()
    log = tmp_path / "web.log"
    with running(PRODUCTION_WEB, _environment(tmp_path, port), log) as web:
        wait_until_up(plain(port), web, log, within=30)
        latencies, answered = healthz_under_slow_clients(plain(port), SLOW_CLIENTS)

    assert not any(answered), "the slow requests must still be in progress while measuring"
    assert len(latencies) >= 8
    assert max(latencies) < HEALTHZ_LIMIT_S, [round(s, 3) for s in latencies]


@needs_nginx
def test_behind_nginx_slow_clients_never_reach_gunicorn(installation, tmp_path):
    """The production set-up: nginx (deploy/nginx.conf) in front. Ten times as many slow
    clients as gunicorn has threads wait in nginx; gunicorn never sees their requests."""
    _copy_installation(installation, tmp_path)
    web_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    nginx_conf = render_nginx(
        tmp_path, http_port=http_port, https_port=https_port, web_port=web_port
    )
    web_log, nginx_log = tmp_path / "web.log", tmp_path / "nginx.log"
    nginx = [nginx_binary(), "-p", str(tmp_path), "-c", str(nginx_conf)]
    with (
        running(PRODUCTION_WEB, _environment(tmp_path, web_port), web_log) as web,
        running(nginx, None, nginx_log) as proxy,
    ):
        wait_until_up(plain(web_port), web, web_log, within=30)
        wait_until_up(tls(https_port), proxy, nginx_log, within=10)
        latencies, answered = healthz_under_slow_clients(tls(https_port), NGINX_SLOW_CLIENTS)

    assert not any(answered), "the slow requests must still be in progress while measuring"
    assert len(latencies) >= 8
    assert max(latencies) < HEALTHZ_LIMIT_S, [round(s, 3) for s in latencies]
    assert b"POST /register/" not in web_log.read_bytes()
