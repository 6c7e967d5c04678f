"""Benchmark: public registrations through the real HTTP stack.

Starts gunicorn the way production runs it (camreg.settings.production) against a fresh
SQLite file and/or a fresh PostgreSQL database, then drives registrations from separate
client processes: each simulated visitor GETs /register/ (CSRF cookie and token) and POSTs
the form (multipart, like the browser), expecting 302 to /register/sent/. Only the POST is
timed for latency; throughput counts successful registrations per second of wall time.

    python bench/registration.py --json [--count N] [--concurrency C]
                                 [--databases sqlite,postgresql]

With --json, one JSON object goes to stdout; progress and diagnostics go to stderr.
This is a benchmark, not a test: it reports numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import html
import http.client
import json
import multiprocessing as mp
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADDRESS_FILE = ROOT / "camreg" / "demo" / "data" / "demo-address-points.csv"
BOUNDARY_FILE = ROOT / "camreg" / "demo" / "data" / "kern-county.geojson"
# The agency the benchmark sets up (production settings create none): Kern County's
# boundary, so that every demo address lies inside.
SETUP_AGENCY = [
    "--name", "Kern County Sheriff's Office",
    "--short-name", "KCSO",
    "--contact-email", "registry@example.org",
    "--contact-phone", "(661) 555-0100",
    "--time-zone", "America/Los_Angeles",
    "--jurisdiction-name", "Kern County",
    "--state", "CA",
    "--boundary", str(BOUNDARY_FILE),
]  # fmt: skip
PG_DATABASE = "camreg_bench"
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"

ERROR_BODIES_SHOWN = 5
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)

# Form choices, as in camreg/registry/models.py.
COVERAGE = ["street", "sidewalk", "driveway", "alley", "parking_lot", "entrance"]
SYSTEM_TYPES = ["dvr_nvr", "cloud_doorbell", "cloud_camera", "standalone", "other"]
CAMERA_LABELS = ["Front door", "Driveway", "Back yard", "Side gate", "Garage", "Alley"]
MOUNTS = ["Above the garage", "Porch ceiling", "Northeast corner", "", "Under the eaves"]
BRANDS = ["Ring", "Arlo", "Reolink", "Wyze", "Lorex", "Nest", ""]
FIRST_NAMES = ["Ana", "Luis", "Maria", "James", "Linda", "Jose", "Karen", "David", "Rosa"]
LAST_NAMES = ["Ruiz", "Smith", "Garcia", "Nguyen", "Johnson", "Lopez", "Brown", "Patel"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Addresses ---------------------------------------------------------------------------------


def load_addresses() -> list[tuple[str, str, str, str]]:
    """(street line, unit, city, postcode) for every row of the demo address points."""
    rows = []
    with ADDRESS_FILE.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            street = f"{row['NUMBER'].strip()} {row['STREET'].strip()}".strip()
            rows.append((street, row["UNIT"].strip(), row["CITY"].strip(), row["POSTCODE"].strip()))
    return rows


# Form data ---------------------------------------------------------------------------------


def registration_fields(rng: random.Random, addresses: list, email: str) -> list[tuple[str, str]]:
    """The fields a browser posts for one registration (names as in the registry forms)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    sites = 1 if rng.random() < 0.75 else 2
    fields: list[tuple[str, str]] = [
        ("contact-kind", "resident"),
        ("contact-business_name", ""),
        ("contact-name", f"{first} {last}"),
        ("contact-email", email),
        ("contact-phone", f"(661) 555-01{rng.randrange(100):02d}"),
        ("contact-alternate_phone", ""),
        ("contact-onsite_contact_name", ""),
        ("contact-onsite_contact_phone", ""),
        ("contact-preferred_contact", rng.choice(["email", "email", "phone", "text"])),
        ("contact-contact_hours", rng.choice(["Evenings", "Weekdays after 5 pm", ""])),
        ("contact-language", "es" if rng.random() < 0.15 else "en"),
        ("contact-website", ""),
        ("site_count", str(sites)),
    ]
    for i in range(sites):
        street, unit, city, postcode = rng.choice(addresses)
        cameras = rng.randint(1, 3)
        fields += [
            (f"s{i}-id", ""),
            (f"s{i}-label", "Home" if i == 0 else "Store"),
            (f"s{i}-street", street),
            (f"s{i}-unit", unit),
            (f"s{i}-city", city),
            (f"s{i}-postcode", postcode),
            (f"s{i}-latitude", ""),
            (f"s{i}-longitude", ""),
            (f"s{i}-pin_placed", "False"),
            (f"s{i}-camera_count", str(cameras)),
        ]
        for j in range(cameras):
            p = f"s{i}-c{j}-"
            fields += [
                (p + "id", ""),
                (p + "label", rng.choice(CAMERA_LABELS)),
                (p + "location_description", rng.choice(MOUNTS)),
                (p + "direction", str(rng.randrange(360))),
                (p + "field_of_view", str(rng.choice([90, 110, 130, 180]))),
                (p + "range_m", str(rng.choice([10, 15, 20, 30, 50]))),
            ]
            fields += [(p + "coverage", c) for c in rng.sample(COVERAGE, rng.randint(0, 3))]
            fields += [
                (p + "placement", rng.choice(["outdoor", "outdoor", "indoor"])),
                (p + "recording_mode", rng.choice(["continuous", "motion"])),
                (p + "retention_days", str(rng.choice([0, 7, 14, 30, 60]))),
                (p + "system_type", rng.choice(SYSTEM_TYPES)),
                (p + "brand", rng.choice(BRANDS)),
            ]
            if rng.random() < 0.5:
                fields.append((p + "owner_can_export", "on"))
    fields += [("terms-accept_terms", "on"), ("action", "submit")]
    return fields


def multipart(fields: list[tuple[str, str]], file_fields: list[str]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it (empty file inputs included)."""
    boundary = "----CamregBench" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    for name in file_fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# Load generator (runs in its own processes) ------------------------------------------------

TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SUMMARY_RE = re.compile(rb'id="error-summary".*?<ul[^>]*>(.*?)</ul>', re.S)
TAG_RE = re.compile(r"<[^>]+>")
CAMERA_FIELD_RE = re.compile(r"(s\d+-c\d+)-")


def error_summary(status: int, body: bytes) -> str:
    match = SUMMARY_RE.search(body)
    if match:
        items = re.findall(rb"<li>(.*?)</li>", match.group(1), re.S)
        text = "; ".join(html.unescape(TAG_RE.sub("", i.decode(errors="replace"))) for i in items)
        return f"HTTP {status}: {' '.join(text.split())}"
    text = html.unescape(TAG_RE.sub(" ", body[:4000].decode(errors="replace")))
    return f"HTTP {status}: {' '.join(text.split())[:300]}"


class Visitor:
    """One browser: a keep-alive connection; cookies kept by hand (they are Secure-only)."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "en-US,en;q=0.9",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        while True:
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if not reused:
                    raise
                # The server had closed the idle keep-alive connection: retry on a new one.
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, response.getheader("Location", ""), data

    def register(self, fields: list[tuple[str, str]]) -> tuple[float, bool, str]:
        """GET the form, POST it; (POST seconds, success, error summary)."""
        self.cookies = {}  # a new visitor
        status, _, page = self.request("GET", "/register/")
        match = TOKEN_RE.search(page)
        if status != 200 or not match:
            return 0.0, False, error_summary(status, page) + " (GET /register/)"
        fields = [("csrfmiddlewaretoken", match.group(1).decode()), *fields]
        cameras = {m.group(1) for name, _ in fields if (m := CAMERA_FIELD_RE.match(name))}
        files = [f"{prefix}-photo" for prefix in sorted(cameras)]
        body, content_type = multipart(fields, files)
        headers = {
            "Content-Type": content_type,
            "Origin": self.origin,
            "Referer": f"{self.origin}/register/",
        }
        start = time.perf_counter()
        status, location, page = self.request("POST", "/register/", body, headers)
        elapsed = time.perf_counter() - start
        if status == 302 and location.endswith("/register/sent/"):
            return elapsed, True, ""
        return elapsed, False, error_summary(status, page)


def client_main(index, port, warmup, run_id, seed, counter, total, barrier, results) -> None:
    """One client process: warm up, wait for the others, then register until none are left."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # and stops us with terminate()
    try:
        results.put(_client_run(index, port, warmup, run_id, seed, counter, total, barrier))
    except threading.BrokenBarrierError:
        pass  # another process failed or the parent gave up
    except Exception:  # noqa: BLE001 - hand the traceback to the parent
        barrier.abort()
        results.put({"fatal": traceback.format_exc()})


def _client_run(index, port, warmup, run_id, seed, counter, total, barrier) -> dict:
    rng = random.Random(seed * 1000 + index)
    addresses = load_addresses()
    visitor = Visitor(port)
    serial = 0

    def one() -> tuple[float, bool, str]:
        nonlocal serial
        serial += 1
        email = f"bench-{run_id}-{index}-{serial}@example.com"
        try:
            return visitor.register(registration_fields(rng, addresses, email))
        except (OSError, http.client.HTTPException) as exc:
            visitor.conn.close()
            return 0.0, False, f"{type(exc).__name__}: {exc}"

    warm_errors = [msg for _, ok, msg in (one() for _ in range(warmup)) if not ok]
    barrier.wait(timeout=600)
    latencies: list[float] = []
    errors = 0
    messages: list[str] = []
    started = time.monotonic()
    cpu_start = time.process_time()
    while True:
        with counter.get_lock():
            if counter.value >= total:
                break
            counter.value += 1
        elapsed, ok, message = one()
        if elapsed:
            latencies.append(elapsed)
        if not ok:
            errors += 1
            if len(messages) < ERROR_BODIES_SHOWN:
                messages.append(message)
    return {
        "latencies": latencies,
        "errors": errors,
        "messages": messages,
        "warm_errors": warm_errors[:ERROR_BODIES_SHOWN],
        "started": started,
        "finished": time.monotonic(),
        "cpu": time.process_time() - cpu_start,
    }


# Server ------------------------------------------------------------------------------------


@dataclass
class ServerConfig:
    # The production defaults of deploy/gunicorn.conf.py (decision 0015).
    worker_class: str = "gthread"
    workers: int = 2
    threads: int = 8
    cache: str = "dbcache"
    app: str = "camreg.wsgi:application"

    def describe(self) -> str:
        threads = f", {self.threads} threads" if self.worker_class == "gthread" else ""
        app = "" if self.app == "camreg.wsgi:application" else f" ({self.app})"
        return (
            f"gunicorn {self.worker_class} {self.workers} workers{threads}, cache {self.cache}{app}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def database_url(database: str, tmp: Path, pg_server: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    return f"{pg_server.rstrip('/')}/{PG_DATABASE}"


def base_env(database_url_: str, tmp: Path, static_root: Path, port: int, cache: str) -> dict:
    cache_url = {"dbcache": "dbcache://camreg_cache", "locmem": "locmemcache://"}[cache]
    alphabet = string.ascii_letters + string.digits + "!#%*+-=@^_"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "MFA_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url_,
        "CACHE_URL": cache_url,
        "EMAIL_URL": "consolemail://",
        "STATIC_ROOT": str(static_root),
        "CAMREG_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "RATE_LIMIT_REGISTER_PER_IP": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TASKS_BACKEND", None)  # the default: the database-backed queue
    return env


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        log(result.stdout[-3000:])
        log(result.stderr[-3000:])
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode})")


def pg_admin(pg_server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def drop_pg_database(pg_server: str) -> None:
    pg_admin(pg_server, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def start_gunicorn(env: dict, port: int, config: ServerConfig, tmp: Path) -> subprocess.Popen:
    command = [
        PYTHON, "-m", "gunicorn", config.app,
        "--bind", f"{HOST}:{port}",
        "--worker-class", config.worker_class,
        "--workers", str(config.workers),
        "--access-logfile", str(tmp / "access.log"),
        "--error-logfile", str(tmp / "gunicorn.log"),
    ]  # fmt: skip
    if config.worker_class == "gthread":
        command += ["--threads", str(config.threads)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal reaches us, not gunicorn
    )


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)  # the arbiter stops its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only its workers
        process.wait(timeout=5)


def wait_ready(port: int, process: subprocess.Popen, tmp: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", "/register/", headers={"Host": f"{HOST}:{port}"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    log_file = tmp / "gunicorn.log"
    if log_file.exists():
        log(log_file.read_text(errors="replace")[-4000:])
    raise RuntimeError("gunicorn did not answer GET /register/ with 200")


def count_rows(env: dict) -> str:
    """Rows the registrations left behind, as a sanity check."""
    code = (
        "from camreg.registry.models import Registrant, Site, Camera, Consent, AccessToken\n"
        "from camreg.outreach.models import OutboxMessage\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "print(' '.join(f'{m.__name__}={m.objects.count()}' for m in "
        "(Registrant, Site, Camera, Consent, AccessToken, OutboxMessage, DBTaskResult)))\n"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[-1] if lines else ""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process so far (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuTracker:
    """CPU used by a changing set of processes (e.g. database backends that come and go).

    Polled about once a second: a process that starts during the run counts in full, one
    that ends counts up to its last poll.
    """

    def __init__(self, find_pids):
        self.find_pids = find_pids
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.poll(start=True)

    def poll(self, start: bool = False) -> None:
        for pid in self.find_pids():
            cpu = cpu_seconds(pid)
            if cpu is None:
                continue
            self.first.setdefault(pid, cpu if start else 0.0)
            self.last[pid] = cpu

    def seconds(self) -> float:
        self.poll()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (gunicorn's arbiter and workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return found


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (for its share of the CPU)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
    return pids


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


# One run -----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[round(q * 100) - 1]


def _fatal(results) -> str:
    with contextlib.suppress(queue.Empty):
        while True:
            report = results.get(timeout=2)
            if "fatal" in report:
                return report["fatal"]
    return "(no traceback)"


def run_load(database: str, port: int, args, run_id: str, server_pid: int) -> dict:
    ctx = mp.get_context("fork")
    counter = ctx.Value("i", 0)
    barrier = ctx.Barrier(args.concurrency + 1)
    results = ctx.Queue()
    clients = [
        ctx.Process(
            target=client_main,
            args=(i, port, args.warmup, run_id, args.seed, counter, args.count, barrier, results),
            daemon=True,
        )
        for i in range(args.concurrency)
    ]
    try:
        for client in clients:
            client.start()
        try:
            barrier.wait(timeout=600)
        except threading.BrokenBarrierError:
            raise RuntimeError(f"a client failed during warm-up:\n{_fatal(results)}") from None
        started = time.monotonic()
        server = CpuTracker(lambda: process_tree(server_pid))
        postgres = CpuTracker(postgres_pids if database == "postgresql" else list)
        busy, total = machine_cpu_seconds()
        reports = []
        while len(reports) < len(clients):
            try:
                report = results.get(timeout=1)
                if "fatal" in report:
                    raise RuntimeError(f"a client failed:\n{report['fatal']}")
                reports.append(report)
            except queue.Empty:
                server.poll()
                postgres.poll()
                if not any(client.is_alive() for client in clients) and results.empty():
                    raise RuntimeError("a client process died without reporting") from None
        server_cpu = server.seconds()
        pg_cpu = postgres.seconds()
        busy, total = (a - b for a, b in zip(machine_cpu_seconds(), (busy, total), strict=True))
        for client in clients:
            client.join(timeout=10)
    finally:
        for client in clients:
            if client.is_alive():
                client.terminate()
                client.join(timeout=5)
    finished = max(r["finished"] for r in reports)
    latencies = sorted(x for r in reports for x in r["latencies"])
    errors = sum(r["errors"] for r in reports)
    messages = [m for r in reports for m in r["messages"]][:ERROR_BODIES_SHOWN]
    warm = [m for r in reports for m in r["warm_errors"]][:ERROR_BODIES_SHOWN]
    for message in warm:
        log(f"  warm-up error: {message}")
    for message in messages:
        log(f"  error: {message}")
    wall = finished - started
    ok = args.count - errors
    client_cpu = sum(r["cpu"] for r in reports)
    per = 1000 / max(1, args.count)
    other = busy - server_cpu - client_cpu - pg_cpu
    pg = f"PostgreSQL {pg_cpu * per:.1f} ms, " if database == "postgresql" else ""
    log(
        f"  CPU per registration: gunicorn {server_cpu * per:.1f} ms, {pg}load clients "
        f"{client_cpu * per:.1f} ms, rest of the machine {other * per:.1f} ms; "
        f"machine {busy / total:.0%} busy"
    )
    if other > 0.15 * busy:
        log(
            f"  NOTE: {other / busy:.0%} of the busy CPU went to other processes on this "
            "machine; throughput is lower than on a quiet machine"
        )
    return {
        "throughput_per_s": round(ok / wall, 1) if wall > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "errors": errors,
        "count": args.count,
        "_wall_s": wall,
        "_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "_mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }


def bench_database(database: str, args, config: ServerConfig, top: Path, static_root: Path):
    tmp = Path(tempfile.mkdtemp(prefix=f"{database}-", dir=top))
    port = args.port or free_port()
    env = base_env(
        database_url(database, tmp, args.pg_server), tmp, static_root, port, config.cache
    )
    server = None
    created_pg = False
    try:
        if database == "postgresql":
            drop_pg_database(args.pg_server)
            pg_admin(args.pg_server, f"CREATE DATABASE {PG_DATABASE}")
            created_pg = True
        log(f"[{database}] migrate, cache table, agency, address points")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "setup_agency", *SETUP_AGENCY)
        manage(env, "import_address_points", str(ADDRESS_FILE))
        log(f"[{database}] starting {config.describe()} on port {port}")
        server = start_gunicorn(env, port, config, tmp)
        wait_ready(port, server, tmp)
        log(
            f"[{database}] {args.concurrency} clients, {args.warmup} warm-up registrations "
            f"each, then {args.count} timed"
        )
        result = run_load(database, port, args, uuid.uuid4().hex[:8], server.pid)
        if server.poll() is not None:
            log(f"[{database}] gunicorn exited during the run ({server.returncode})")
        stop_gunicorn(server)
        server = None
        log(f"[{database}] rows: {count_rows(env)}")
        log(
            f"[{database}] {result['throughput_per_s']}/s over {result['_wall_s']:.1f} s, "
            f"POST p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
            f"p99 {result['_p99_ms']} ms, mean {result['_mean_ms']} ms, "
            f"errors {result['errors']}/{result['count']}"
        )
        return {k: v for k, v in result.items() if not k.startswith("_")}
    finally:
        stop_gunicorn(server)
        if created_pg:
            try:
                drop_pg_database(args.pg_server)
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                log(f"[{database}] could not drop {PG_DATABASE}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--count", type=int, default=2000, help="timed registrations per database")
    parser.add_argument("--concurrency", type=int, default=8, help="client processes")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--warmup", type=int, default=2, help="untimed registrations per client")
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gthread worker")
    parser.add_argument(
        "--app",
        default="camreg.wsgi:application",
        help="WSGI application to serve (to compare a variant against the real one)",
    )
    parser.add_argument(
        "--cache",
        default="dbcache",
        choices=["dbcache", "locmem"],
        help="CACHE_URL: the database cache (production default) or per-process memory",
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("BENCH_POSTGRES_SERVER", DEFAULT_PG_SERVER),
        help=f"PostgreSQL server URL without a database; {PG_DATABASE} is (re)created there",
    )
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown or not args.databases:
        parser.error(f"--databases: choose from sqlite,postgresql (got {args.databases})")
    if args.count < 1 or args.concurrency < 1:
        parser.error("--count and --concurrency must be at least 1")
    return args


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    config = ServerConfig(
        worker_class=args.worker_class,
        workers=args.workers,
        threads=args.threads,
        cache=args.cache,
        app=args.app,
    )
    top = Path(tempfile.mkdtemp(prefix="camreg-bench-"))
    results: dict[str, dict] = {}
    try:
        static_root = top / "static"
        log("collectstatic")
        manage(
            base_env("sqlite://:memory:", top, static_root, 8000, "locmem"),
            "collectstatic", "--noinput", "--verbosity", "0",
        )  # fmt: skip
        for database in args.databases:
            results[database] = bench_database(database, args, config, top, static_root)
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        return 130
    except RuntimeError as error:
        log(f"benchmark failed: {error}")
        return 1
    finally:
        shutil.rmtree(top, ignore_errors=True)
    if args.json:
        print(json.dumps(results))
    else:
        for database, r in results.items():
            print(
                f"{database:11} {r['throughput_per_s']:7.1f}/s  p50 {r['p50_ms']:6.1f} ms  "
                f"p95 {r['p95_ms']:6.1f} ms  errors {r['errors']}/{r['count']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
