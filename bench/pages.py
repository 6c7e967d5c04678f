"""Benchmark: the public pages on a phone, and the staff camera map at a million cameras.

    python bench/pages.py --json [--cameras N] [--requests 200] [--languages en,es]
                                 [--databases sqlite[,postgresql]] [--zooms 9,12,14,16]
                                 [--skip-lighthouse] [--skip-map] [--pg-server URL]

Two parts, one JSON object on stdout (progress and a summary on stderr). A benchmark, not a
test: it reports numbers and never fails on them.

Pages ("lighthouse"): the site as `make run` serves it (development settings, DEBUG, demo
data, static files collected, compressed and hashed by `make static`), in a fresh database
under a temporary folder, by gunicorn with deploy/gunicorn.conf.py on a free loopback
port, with no map tiles (MAP_TILE_URL empty: nothing leaves the machine). Lighthouse (npm,
pinned in package-lock.json) drives /usr/bin/chromium in its default mobile mode (simulated
slow 4G, 4x CPU slowdown) once per page and language, cache cleared: `/`, `/register/`,
`/manage/` and a footage answer page (a request made for a demo camera owner), in English
and Spanish (the language cookie). Per page: performance and accessibility scores, LCP, FCP,
TBT, CLS, bytes transferred, requests, and the largest items.

Map ("map"): N cameras loaded as bench/canvass.py loads them (a 100 km square around
Bakersfield, bulk inserts) into a fresh SQLite file (and PostgreSQL with --databases),
with confirmation dates spread over two years, then the canvass index and the map cells
built. In the same process: the canvass bench's bare index lookup (500 random 640 m
searches, p95), then the map data endpoint (/console/map/data/, Django's WSGI
application called in-process as gunicorn calls it, whole middleware stack and request
signals included, signed in as a deputy, gzip as a browser asks) for a 1280 x 800 pixel
viewport at random places at each zoom: p50/p95 time, compressed and raw bytes (mean
and max), what was answered (clusters or cameras) and how many cameras it covered, and the
p95 divided by the bare index lookup p95. `service_p95_ms`: the map service alone (cells or
cameras and the audit record), without HTTP; `query_p95_ms`: the cells or cameras query
alone (`canvass.map_cells.answer`), the part that depends on the registry's size, and
`query_p95_over_bare_index` its ratio to the bare index lookup. `empty_viewport_p95_ms`:
the same request, interleaved with the others, for a viewport at the same zoom where the
registry holds no camera (sign-in reads, filters, audit record and JSON, nothing found): the
floor of one audited map request; `p95_over_empty_viewport` the p95 over it, and
`p95_above_empty_over_bare_index` the difference of the two p95s over the bare index lookup
(what the registry's size adds, approximately).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import importlib.util
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE_ATTEMPTS = 2
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
PAGES = ["/", "/register/", "/manage/", "footage"]
VIEW_WIDTH, VIEW_HEIGHT = 1280, 800  # a laptop in a patrol car
WARMUP = 20
MAP_URL = "/console/map/data/"
# How far north of the loaded square the empty viewports are: past the widest view's half.
EMPTY_NORTH_DEGREES = 4.0

# The acceptance targets of issue 14 (reported, never enforced).
TARGETS = {"performance": 95, "accessibility": 100, "lcp_ms": 2500, "bytes": 200 * 1024}
MAP_TARGETS = {"compressed_bytes": 300_000, "p95_over_bare_index": 10}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _canvass_bench():
    """bench/canvass.py, for its loader and helpers."""
    spec = importlib.util.spec_from_file_location("bench_canvass", ROOT / "bench" / "canvass.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# Pages (Lighthouse) -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout if capture else ""


FOOTAGE_LINK_SCRIPT = """
import re
from datetime import timedelta
from django.utils import timezone
from camreg.accounts.models import User
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.outreach.models import OutboxMessage
from camreg.registry.models import Camera

camera = (
    Camera.objects.filter(site__registrant__status="active", site__registrant__language=LANGUAGE)
    .exclude(site__registrant__email="")
    .order_by("pk")
    .first()
)
deputy = User.objects.create_user(
    "bench-deputy-" + LANGUAGE + "@example.org", "bench lantern orchard 42",
    full_name="Bench Deputy", roles=["deputy"],
)
deputy.is_verified = lambda: True
start = timezone.now() - timedelta(days=1)
site = camera.site
case = Case.objects.create(
    case_number="KC2026-00990" + str(len(LANGUAGE)), incident_type="Burglary",
    address=site.street, latitude=site.latitude, longitude=site.longitude, radius_m=300,
    start=start, end=start + timedelta(hours=1),
    purpose_statement="Burglary; not aimed at protected activity.", created_by=deputy,
)
before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
footage.create_requests(case, [camera.pk], actor=deputy, message="Benchmark request.")
for message in OutboxMessage.objects.filter(pk__gt=before):
    found = re.search(r"/footage/[A-Za-z0-9_-]+/", message.body_text)
    if found:
        print(found.group(0))
        break
"""


def footage_link(env: dict, language: str) -> str | None:
    """The path of a footage answer page (a request to a demo owner speaking `language`)."""
    try:
        out = manage(
            env,
            "shell",
            "-c",
            f"LANGUAGE = {language!r}\n" + FOOTAGE_LINK_SCRIPT,
            capture=True,
        )
    except subprocess.CalledProcessError as error:
        log(f"  footage answer page: could not make a request ({error}); page left out")
        return None
    paths = re.findall(r"/footage/[A-Za-z0-9_-]+/", out)
    return paths[-1] if paths else None


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  # nosec B310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def run_lighthouse(url: str, language: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=90000",
        f"--extra-headers={json.dumps({'Cookie': f'camreg_language={language}'})}",
    ]
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        try:
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, timeout=600)
            break
        except subprocess.CalledProcessError as error:
            # Lighthouse sometimes loses the page load's trace (NO_NAVSTART) and asks to be
            # run again; a page that fails every time is reported as failed.
            if attempt == LIGHTHOUSE_ATTEMPTS:
                raise
            log(f"  lighthouse failed ({error.returncode}); attempt {attempt + 1}")
    report = json.loads(out.read_text())
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    largest = sorted(requests, key=lambda r: r.get("transferSize", 0), reverse=True)[:4]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "requests": len(requests),
        "largest": [
            {
                "url": re.sub(r"^https?://[^/]+", "", item["url"]),
                "bytes": item.get("transferSize", 0),
            }
            for item in largest
        ],
        # Accessibility audits that did not pass, with the first element each names.
        "accessibility_failures": [
            {
                "id": ref["id"],
                "title": audits[ref["id"]]["title"],
                "first": ((audits[ref["id"]].get("details") or {}).get("items") or [{}])[0]
                .get("node", {})
                .get("snippet", ""),
            }
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref.get("weight") and audits[ref["id"]].get("score") not in (None, 1)
        ],
        "render_blocking": [
            re.sub(r"^https?://[^/]+", "", item["url"])
            for item in (audits["render-blocking-resources"].get("details") or {}).get("items", [])
        ],
    }


def lighthouse_pages(args, top: Path) -> dict:
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: npm ci (make setup) installs it")
    var = top / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.development",
        "CAMREG_VAR_DIR": str(var),
        "MAP_TILE_URL": "",  # nothing leaves the machine
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    var.mkdir(parents=True)
    started = time.perf_counter()
    log("[pages] make static: translations, USWDS build, collectstatic")
    manage(env, "compile_translations")
    manage(env, "build_css")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    log("[pages] database and demo data")
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "load_demo")
    links = {language: footage_link(env, language) for language in args.languages}
    log(f"[pages] ready in {time.perf_counter() - started:.0f} s; footage pages: {links}")

    port = free_port()
    server = subprocess.Popen(  # noqa: S603  # nosec B603 - fixed program
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "BIND": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict = {}
    try:
        wait_for(base + "/healthz")
        for language in args.languages:
            results[language] = {}
            for page in args.pages:
                path = links.get(language) if page == "footage" else page
                name = "footage answer" if page == "footage" else page
                if not path:
                    results[language][name] = None
                    continue
                log(f"[pages] lighthouse {language} {name}")
                try:
                    result = run_lighthouse(base + path, language, top / "report.json")
                except (subprocess.SubprocessError, KeyError, json.JSONDecodeError) as error:
                    log(f"  failed: {error}")
                    result = None
                if result:
                    log(
                        f"  performance {result['performance']}, accessibility "
                        f"{result['accessibility']}, LCP {result['lcp_ms']} ms, "
                        f"{result['bytes'] / 1024:.1f} KiB in {result['requests']} requests"
                    )
                results[language][name] = result
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


# The map endpoint ---------------------------------------------------------------------------


def viewport(lat: float, lon: float, zoom: int) -> dict:
    """The map's bounds for a VIEW_WIDTH x VIEW_HEIGHT pixel view centred there (Web
    Mercator, 256-pixel tiles, as Leaflet computes them)."""
    scale = 256 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * scale

    def to_lat(pixel_y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi - 2 * math.pi * pixel_y / scale)))

    def to_lon(pixel_x: float) -> float:
        return pixel_x / scale * 360 - 180

    return {
        "south": round(to_lat(y + VIEW_HEIGHT / 2), 5),
        "west": round(to_lon(x - VIEW_WIDTH / 2), 5),
        "north": round(to_lat(y - VIEW_HEIGHT / 2), 5),
        "east": round(to_lon(x + VIEW_WIDTH / 2), 5),
        "zoom": zoom,
    }


class WSGIServed:
    """Django's WSGI application called as gunicorn calls it: the request_started and
    request_finished signals included (Django closes connections past CONN_MAX_AGE on the
    latter), none of the test client's instrumentation. Returns (status, headers, body)."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def __call__(self, environ: dict) -> tuple[int, dict, bytes]:
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = int(status.split()[0]), dict(headers)

        response = self.handler(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()
        return started["status"], started["headers"], body


def unzipped(headers: dict, body: bytes) -> bytes:
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


def spread_confirmations(connection, seed: int) -> None:
    """Confirmation dates over the last two years for active and lapsed registrations (the
    canvass loader leaves them empty), so the cells hold every confirmation age."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT setseed({(seed % 1000) / 1000})")
            cursor.execute(
                "UPDATE registry_registrant SET confirmed_at = now() - random() * interval "
                "'730 days' WHERE status IN ('active', 'lapsed')"
            )
        else:
            cursor.execute(
                "UPDATE registry_registrant SET confirmed_at = "
                "datetime('now', '-' || (abs(random()) % 63072000) || ' seconds') "
                "WHERE status IN ('active', 'lapsed')"
            )


def run_map_database(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory

    from camreg.canvass import index, map_cells
    from camreg.console import services as console_services
    from camreg.console.forms import MapFilterForm
    from camreg.geo import shapes
    from camreg.testing.staff import make_staff, signed_in

    bench = _canvass_bench()
    vendor = connection.vendor
    call_command("migrate", "--noinput", verbosity=0)
    # An agency, as an installation gets one (pages answer 503 without).
    call_command(
        "setup_agency",
        "--name=Kern County Sheriff's Office",
        "--short-name=KCSO",
        "--contact-email=registry@example.org",
        "--contact-phone=(661) 555-0100",
        "--time-zone=America/Los_Angeles",
        "--jurisdiction-name=Kern County",
        "--state=CA",
        f"--boundary={ROOT / 'camreg' / 'demo' / 'data' / 'kern-county.geojson'}",
        verbosity=0,
    )
    started = time.perf_counter()
    counts = bench.load(connection, args.cameras, args.seed)
    spread_confirmations(connection, args.seed)
    load_s = time.perf_counter() - started
    log(f"  [{vendor}] loaded {counts['cameras']:,} cameras in {load_s:.1f} s")
    started = time.perf_counter()
    index.rebuild(with_map_cells=False)
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    counted = map_cells.rebuild()
    cells_s = time.perf_counter() - started
    bench.analyze(connection)
    cell_rows = map_cells.MapCell.objects.count()
    log(
        f"  [{vendor}] canvass index in {index_s:.1f} s; map cells ({cell_rows:,} rows, "
        f"{counted:,} cameras) in {cells_s:.1f} s"
    )

    # The bare grid-index lookup, as bench/canvass.py measures it.
    bare = []
    for i, (lat, lon) in enumerate(bench.search_centres(500 + bench.WARMUP, args.seed)):
        start = time.perf_counter()
        index.sites_in(shapes.CircleScene(lat, lon, bench.RADIUS_M))
        if i >= bench.WARMUP:
            bare.append(time.perf_counter() - start)
    bare_p95 = percentile(bare, 0.95)
    log(f"  [{vendor}] bare index lookup p95 {ms(bare_p95)} ms")

    client = signed_in(make_staff("deputy"))
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    served = WSGIServed()
    factory = RequestFactory()
    request = factory.get("/")
    request.user = client.user
    filters = MapFilterForm.from_query({}).filters()
    map_filters = console_services.map_filters(filters)
    south, west, north, east = bench.square()
    rng = random.Random(args.seed + 7)

    def fetch(view: dict) -> tuple[float, bytes, bytes]:
        """One map data request, timed: (seconds, body as sent, body uncompressed)."""
        environ = factory.get(
            MAP_URL, view, secure=True, HTTP_ACCEPT_ENCODING="gzip", HTTP_COOKIE=cookie
        ).environ
        start = time.perf_counter()
        status, headers, body = served(environ)
        elapsed = time.perf_counter() - start
        if status != 200:
            raise RuntimeError(f"map data answered {status} for {view}")
        return elapsed, body, unzipped(headers, body)

    zooms = {}
    for zoom in args.zooms:
        seconds, service_seconds, query_seconds, empty_seconds = [], [], [], []
        compressed, raw, answered, modes = [], [], [], {}
        for i in range(args.requests + WARMUP):
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            view = viewport(lat, lon, zoom)
            elapsed, body, plain = fetch(view)
            # The floor, interleaved: the same request for a viewport with no camera in it.
            empty_elapsed, _body, empty_plain = fetch(
                viewport(north + EMPTY_NORTH_DEGREES, lon, zoom)
            )
            start = time.perf_counter()
            console_services.map_points(filters, map_cells.Viewport(**view), request=request)
            service_elapsed = time.perf_counter() - start
            start = time.perf_counter()
            map_cells.answer(map_cells.Viewport(**view), map_filters)
            query_elapsed = time.perf_counter() - start
            if i < WARMUP:
                continue
            data = json.loads(plain)
            if json.loads(empty_plain)["count"]:
                raise RuntimeError("the empty viewport holds cameras")
            seconds.append(elapsed)
            empty_seconds.append(empty_elapsed)
            service_seconds.append(service_elapsed)
            query_seconds.append(query_elapsed)
            compressed.append(len(body))
            raw.append(len(plain))
            answered.append(data["count"])
            modes[data["mode"]] = modes.get(data["mode"], 0) + 1
        p95 = percentile(seconds, 0.95)
        empty_p95 = percentile(empty_seconds, 0.95)
        zooms[str(zoom)] = {
            "p50_ms": ms(percentile(seconds, 0.50)),
            "p95_ms": ms(p95),
            "empty_viewport_p95_ms": ms(empty_p95),
            "p95_over_empty_viewport": round(p95 / empty_p95, 2),
            "p95_above_empty_over_bare_index": round((p95 - empty_p95) / bare_p95, 2),
            "service_p95_ms": ms(percentile(service_seconds, 0.95)),
            "query_p95_ms": ms(percentile(query_seconds, 0.95)),
            "query_p95_over_bare_index": round(percentile(query_seconds, 0.95) / bare_p95, 2),
            "p95_over_bare_index": round(p95 / bare_p95, 2),
            "compressed_bytes_mean": round(statistics.fmean(compressed)),
            "compressed_bytes_max": max(compressed),
            "raw_bytes_mean": round(statistics.fmean(raw)),
            "raw_bytes_max": max(raw),
            "modes": modes,
            "cameras_covered_mean": round(statistics.fmean(answered)),
            "requests": len(seconds),
        }
        z = zooms[str(zoom)]
        log(
            f"  [{vendor}] zoom {zoom}: {modes}, p50 {z['p50_ms']} ms, p95 {z['p95_ms']} ms "
            f"({z['p95_over_bare_index']}x the bare index p95; service alone "
            f"{z['service_p95_ms']} ms; cells or cameras alone {z['query_p95_ms']} ms, "
            f"{z['query_p95_over_bare_index']}x; an empty viewport {z['empty_viewport_p95_ms']} "
            f"ms, {z['p95_over_empty_viewport']}x), {z['compressed_bytes_mean']:,} bytes gzip "
            f"(max {z['compressed_bytes_max']:,}; raw max {z['raw_bytes_max']:,}), "
            f"{z['cameras_covered_mean']:,} cameras covered"
        )
    return {
        "n": counts["cameras"],
        "bare_index_p95_ms": ms(bare_p95),
        "zooms": zooms,
        "viewport_px": [VIEW_WIDTH, VIEW_HEIGHT],
        "load_s": round(load_s, 1),
        "index_build_s": round(index_s, 1),
        "map_cells_build_s": round(cells_s, 1),
        "map_cell_rows": cell_rows,
    }


def map_database(database: str, args, top: Path) -> dict:
    bench = _canvass_bench()
    tmp = Path(tempfile.mkdtemp(prefix=f"map-{database}-", dir=top))
    database_name = "camreg_bench_map"
    if database == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        url = f"{args.pg_server.rstrip('/')}/{database_name}"
        bench.pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {database_name} WITH (FORCE)")
        bench.pg_admin(args.pg_server, f"CREATE DATABASE {database_name}")
    env = bench.child_env(url, tmp)
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    # Production settings want secrets of their own; bench/canvass.py may not set them all.
    env.setdefault("MFA_ENCRYPTION_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    command = [PYTHON, str(Path(__file__).resolve()), "--run-map-database"]
    command += ["--cameras", str(args.cameras), "--requests", str(args.requests)]
    command += ["--seed", str(args.seed), "--zooms", ",".join(str(z) for z in args.zooms)]
    log(f"[map] {database}: {args.cameras:,} cameras")
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"the {database} map run failed ({result.returncode})")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        if database == "postgresql":
            bench.pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {database_name} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


# Main -----------------------------------------------------------------------------------------


def summary(results: dict) -> None:
    for language, pages in (results.get("lighthouse") or {}).items():
        for page, r in pages.items():
            if not r:
                log(f"{language} {page:16} (not measured)")
                continue
            met = (
                r["performance"] >= TARGETS["performance"]
                and r["accessibility"] >= TARGETS["accessibility"]
                and r["lcp_ms"] < TARGETS["lcp_ms"]
                and r["bytes"] < TARGETS["bytes"]
            )
            log(
                f"{language} {page:16} performance {r['performance']:3}  accessibility "
                f"{r['accessibility']:3}  LCP {r['lcp_ms']:5} ms  {r['bytes'] / 1024:6.1f} KiB  "
                f"{'met' if met else 'MISSED'}"
            )
    for database, r in (results.get("map") or {}).items():
        for zoom, z in r["zooms"].items():
            met = (
                z["compressed_bytes_max"] <= MAP_TARGETS["compressed_bytes"]
                and z["p95_over_bare_index"] <= MAP_TARGETS["p95_over_bare_index"]
            )
            log(
                f"map {database} n={r['n']:,} zoom {zoom:>2}: p95 {z['p95_ms']} ms "
                f"({z['p95_over_bare_index']}x bare index {r['bare_index_p95_ms']} ms; "
                f"{z['p95_over_empty_viewport']}x an empty viewport's {z['empty_viewport_p95_ms']} "
                f"ms), max "
                f"{z['compressed_bytes_max']:,} bytes gzip  {'met' if met else 'MISSED'}"
            )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--cameras", type=int, default=1_000_000, help="cameras for the map")
    parser.add_argument("--requests", type=int, default=200, help="map requests per zoom")
    parser.add_argument("--zooms", default="9,12,14,16", help="map zoom levels")
    parser.add_argument("--databases", default="sqlite", help="sqlite,postgresql")
    parser.add_argument("--languages", default="en,es")
    parser.add_argument("--pages", default=",".join(PAGES), help="paths; 'footage' for one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-map", action="store_true")
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--run-map-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.zooms = [int(z) for z in args.zooms.split(",") if z.strip()]
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    args.languages = [x.strip() for x in args.languages.split(",") if x.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if set(args.databases) - {"sqlite", "postgresql"}:
        parser.error("--databases: choose from sqlite,postgresql")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.run_map_database:
        print(json.dumps(run_map_database(args)))
        return 0
    top = Path(tempfile.mkdtemp(prefix="camreg-bench-pages-"))
    results: dict = {"lighthouse": None, "map": None}
    try:
        if not args.skip_lighthouse:
            results["lighthouse"] = lighthouse_pages(args, top / "pages")
        if not args.skip_map:
            results["map"] = {db: map_database(db, args, top) for db in args.databases}
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        return 130
    finally:
        shutil.rmtree(top, ignore_errors=True)
    summary(results)
    if args.json:
        print(json.dumps(results))
    else:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
