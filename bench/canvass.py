"""Benchmark: canvass searches against a national-scale registry.

Loads N cameras spread uniformly over a 100 km x 100 km square (centred on Bakersfield;
1 to 3 cameras per site, one registrant per site, mostly active) into a fresh SQLite file
and a fresh PostgreSQL database, with bulk inserts (executemany / COPY), builds the canvass
index with `camreg.canvass.index.rebuild()`, then times random 640 m circle searches through
`camreg.canvass.services.search`, the function the console and the API call: permission
check, limits, index lookup, joins, view cones, retention, ranking and the audit record.

    python bench/canvass.py --cameras N --json [--searches 500]
                            [--databases sqlite,postgresql] [--pg-server URL]

Each database runs in its own process (Django settings are per process). Per database:
`p50_ms`/`p95_ms` time the whole search with its audit record, as the console runs it;
`p95_ms_without_audit` the same search without writing the audit record; `bare_index_p95_ms`
only the grid-index lookup (one query on the index and the exact distance test, the sites
found without their cameras). "postgis" times a bare `ST_DWithin` query on a GiST index over
the same camera points when `CREATE EXTENSION postgis` works in the PostgreSQL database,
else null; the set-up installs Debian's PostGIS package for the server's version when it is
missing, the server is local and we may (root, or sudo without a password), as the
Makefile's chromium target installs Chromium. `ratio_to_postgis_p95` (per database): the
full search's p95 over that bare PostGIS p95 in the same run (issue 11: at most 5).
`load_average`: the machine's at the start and the end (a busy machine lowers the numbers).
With --json, one JSON object goes to stdout; progress goes to stderr.
This is a benchmark, not a test: it reports numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_DATABASE = "camreg_bench_canvass"
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"

CENTRE = (35.3733, -119.0187)  # Bakersfield
HALF_SIDE_M = 50_000  # the square is 100 km on a side
RADIUS_M = 640
WARMUP = 25
# Cameras per site and registration statuses, roughly as in a real program.
CAMERAS_PER_SITE = ([1, 2, 3], [60, 30, 10])
STATUSES = (["active", "lapsed", "pending_review", "unverified"], [88, 6, 4, 2])

# Reported, never enforced.
TARGET_P95_MS = 10.0
TARGET_RATIO_TO_POSTGIS = 5.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1]


def summary(seconds: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
    }


# The square ---------------------------------------------------------------------------


def square() -> tuple[float, float, float, float]:
    """(south, west, north, east) of the 100 km square, in degrees."""
    from camreg.geo.services import EARTH_RADIUS_M

    dlat = math.degrees(HALF_SIDE_M / EARTH_RADIUS_M)
    dlon = dlat / math.cos(math.radians(CENTRE[0]))
    return CENTRE[0] - dlat, CENTRE[1] - dlon, CENTRE[0] + dlat, CENTRE[1] + dlon


def search_centres(count: int, seed: int) -> list[tuple[float, float]]:
    """Random scene points whose whole circle lies inside the square."""
    south, west, north, east = square()
    margin_lat = (north - south) * RADIUS_M / (2 * HALF_SIDE_M)
    margin_lon = (east - west) * RADIUS_M / (2 * HALF_SIDE_M)
    rng = random.Random(seed + 1)
    return [
        (
            rng.uniform(south + margin_lat, north - margin_lat),
            rng.uniform(west + margin_lon, east - margin_lon),
        )
        for _ in range(count)
    ]


# Bulk loading (runs inside a database process) -----------------------------------------


class Table:
    """Rows for one model's table: the given columns per row, every other column from the
    field's default (so fields added to the models later still load)."""

    def __init__(self, model, given: list[str], connection, now: datetime):
        self.model = model
        self.table = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.slots: list[int | None] = []
        self.constants: list = []
        self.per_row: list = []
        for f in fields:
            if f.attname in given:
                self.slots.append(given.index(f.attname))
                self.constants.append(None)
                self.per_row.append(None)
            elif f.has_default() and callable(f.default):
                self.slots.append(None)
                self.constants.append(None)
                self.per_row.append(f)
            else:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value = now
                else:
                    value = f.get_default()
                self.slots.append(None)
                self.constants.append(f.get_db_prep_save(value, connection))
                self.per_row.append(None)
        self.connection = connection

    def row(self, values: tuple) -> tuple:
        out = []
        for slot, constant, field in zip(self.slots, self.constants, self.per_row, strict=True):
            if slot is not None:
                out.append(values[slot])
            elif field is not None:
                out.append(field.get_db_prep_save(field.get_default(), self.connection))
            else:
                out.append(constant)
        return tuple(out)


def insert(connection, table: Table, rows) -> int:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite."""
    count = 0
    columns = ", ".join(f'"{c}"' for c in table.columns)
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{table.table}" ({columns}) FROM STDIN') as copy:
                for values in rows:
                    copy.write_row(table.row(values))
                    count += 1
    else:
        marks = ", ".join("?" for _ in table.columns)
        sql = f'INSERT INTO "{table.table}" ({columns}) VALUES ({marks})'  # noqa: S608 - model names
        batch: list[tuple] = []
        cursor = raw.cursor()
        for values in rows:
            batch.append(table.row(values))
            if len(batch) >= 20_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        count += len(batch)
        cursor.close()
    return count


def generate(cameras: int, seed: int):
    """(registrants, sites, cameras) row tuples for N cameras, lazily."""
    rng = random.Random(seed)
    south, west, north, east = square()
    sites: list[tuple] = []
    registrants: list[tuple] = []
    camera_rows: list[tuple] = []
    made = 0
    site_id = 0
    camera_id = 0
    while made < cameras:
        site_id += 1
        status = rng.choices(*STATUSES)[0]
        registrants.append(
            (
                site_id,
                "resident",
                f"Bench Resident {site_id}",
                f"resident{site_id}@example.com",
                f"+1661555{site_id % 10000:04d}",
                rng.choice(["email", "phone", "text"]),
                rng.choice(["", "Evenings", "Weekdays after 5 pm", "Any time"]),
                "es" if rng.random() < 0.3 else "en",
                status,
            )
        )
        sites.append(
            (
                site_id,
                site_id,
                f"{rng.randint(100, 9999)} Bench St",
                "Bakersfield",
                "93301",
                rng.uniform(south, north),
                rng.uniform(west, east),
                "bench",
            )
        )
        for _ in range(min(rng.choices(*CAMERAS_PER_SITE)[0], cameras - made)):
            camera_id += 1
            made += 1
            camera_rows.append(
                (
                    camera_id,
                    site_id,
                    "Front door",
                    rng.randrange(360),
                    rng.choice([90, 110, 130, 180]),
                    rng.choice([10, 15, 20, 30, 50]),
                    rng.choice(["continuous", "motion"]),
                    rng.choice([3, 7, 14, 30, 60]),
                    rng.choice(["dvr_nvr", "cloud_doorbell", "cloud_camera", "standalone"]),
                    rng.random() < 0.6,
                )
            )
    return registrants, sites, camera_rows


def load(connection, cameras: int, seed: int) -> dict:
    from django.core.management.color import no_style
    from django.db import transaction

    from camreg.registry.models import Camera, Registrant, Site

    now = datetime.now(UTC)
    registrants, sites, camera_rows = generate(cameras, seed)
    tables = [
        (
            Table(
                Registrant,
                [
                    "id",
                    "kind",
                    "name",
                    "email",
                    "phone",
                    "preferred_contact",
                    "contact_hours",
                    "language",
                    "status",
                ],
                connection,
                now,
            ),
            registrants,
        ),
        (
            Table(
                Site,
                [
                    "id",
                    "registrant_id",
                    "street",
                    "city",
                    "postcode",
                    "latitude",
                    "longitude",
                    "location_source",
                ],
                connection,
                now,
            ),
            sites,
        ),
        (
            Table(
                Camera,
                [
                    "id",
                    "site_id",
                    "label",
                    "direction",
                    "field_of_view",
                    "range_m",
                    "recording_mode",
                    "retention_days",
                    "system_type",
                    "owner_can_export",
                    "coverage",
                ],
                connection,
                now,
            ),
            [(*row, "[]") for row in camera_rows],
        ),
    ]
    counts = {}
    with transaction.atomic():
        for table, rows in tables:
            counts[table.table] = insert(connection, table, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Registrant, Site, Camera]):
                cursor.execute(sql)
    return {"registrants": len(registrants), "sites": len(sites), "cameras": len(camera_rows)}


def analyze(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            # Write out what the bulk load left in the buffers now, not during the timed
            # searches (a checkpoint's writes would otherwise land on their commits).
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


# One database (a child process) ----------------------------------------------------------


def postgis_timings(connection, centres: list) -> dict | None:
    """A bare ST_DWithin on a GiST index over the same camera points, or None."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except DatabaseError as error:
        log(f"  postgis: not available ({str(error).strip().splitlines()[0]})")
        return None
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_postgis AS SELECT c.id, "
            "ST_SetSRID(ST_MakePoint(s.longitude, s.latitude), 4326)::geography AS geog "
            "FROM registry_camera c JOIN registry_site s ON s.id = c.site_id"
        )
        cursor.execute("CREATE INDEX bench_postgis_geog ON bench_postgis USING gist (geog)")
        cursor.execute("VACUUM ANALYZE bench_postgis")
    log(f"  postgis: table and GiST index built in {time.perf_counter() - started:.1f} s")
    sql = (
        "SELECT id FROM bench_postgis WHERE ST_DWithin(geog, "
        "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)"
    )
    found = []
    seconds = []
    with connection.cursor() as cursor:
        for i, (lat, lon) in enumerate(centres):
            start = time.perf_counter()
            cursor.execute(sql, [lon, lat, RADIUS_M])
            rows = cursor.fetchall()
            elapsed = time.perf_counter() - start
            if i >= WARMUP:
                seconds.append(elapsed)
                found.append(len(rows))
    return {"n": None, **summary(seconds), "cameras_found_mean": round(statistics.fmean(found), 1)}


def run_database(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from camreg.accounts.models import User
    from camreg.audit.models import AuditEvent
    from camreg.canvass import index, services
    from camreg.canvass.limits import PURPOSE_STATEMENT, CanvassLimits
    from camreg.canvass.services.params import _violations
    from camreg.canvass.services.ranking import _find
    from camreg.geo import shapes

    vendor = connection.vendor
    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    log(f"  [{vendor}] migrated in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    counts = load(connection, args.cameras, args.seed)
    load_s = time.perf_counter() - started
    log(
        f"  [{vendor}] loaded {counts['cameras']:,} cameras at {counts['sites']:,} sites "
        f"in {load_s:.1f} s"
    )
    started = time.perf_counter()
    indexed = index.rebuild()
    index_s = time.perf_counter() - started
    log(f"  [{vendor}] canvass index: {indexed:,} sites in {index_s:.1f} s")
    started = time.perf_counter()
    analyze(connection)
    log(f"  [{vendor}] analyzed in {time.perf_counter() - started:.1f} s")

    user = User.objects.create_user(
        f"bench-{uuid.uuid4().hex[:8]}@example.org",
        secrets.token_urlsafe(16),
        full_name="Bench Deputy",
        roles=["deputy"],
    )
    user.is_verified = lambda: True  # as django-otp's middleware does after the second factor
    limits = CanvassLimits()
    centres = search_centres(args.searches + WARMUP, args.seed)
    now = datetime.now(UTC)
    start_time = now - timedelta(days=2)

    def params(lat: float, lon: float):
        return services.SearchParams(
            case_number="KC2026-000001",
            start=start_time,
            end=start_time + timedelta(hours=1),
            latitude=lat,
            longitude=lon,
            radius_m=RADIUS_M,
            purpose_statement=PURPOSE_STATEMENT,
            incident_type="Burglary",
        )

    # Every timed pass runs on warm caches, as the PostGIS floor does (its table is timed
    # right after it is built, its pages in memory): one untimed pass first reads the
    # camera rows of the same searches, so the first timed pass does not pay alone for
    # pages the loading pushed out of memory.
    for lat, lon in centres:
        search_params = params(lat, lon)
        _find(search_params.scene(), search_params, now)

    # The whole search, with its audit record, as the console runs it.
    seconds, found = [], []
    for i, (lat, lon) in enumerate(centres):
        start = time.perf_counter()
        result = services.search(params(lat, lon), limits=limits, actor=user)
        elapsed = time.perf_counter() - start
        if i >= WARMUP:
            seconds.append(elapsed)
            found.append(result.counts["total"])
    audited = AuditEvent.objects.filter(action="canvass.searched").count()

    # The same search without the audit record (its private steps, for comparison only).
    quiet = []
    for i, (lat, lon) in enumerate(centres):
        start = time.perf_counter()
        search_params = params(lat, lon)
        search_params.check_times()
        scene = search_params.scene()
        _violations(search_params, scene, limits)
        _find(scene, search_params, now)
        if i >= WARMUP:
            quiet.append(time.perf_counter() - start)

    # The bare grid-index lookup: one query on the index, the exact distance test.
    bare = []
    for i, (lat, lon) in enumerate(centres):
        start = time.perf_counter()
        index.sites_in(shapes.CircleScene(lat, lon, RADIUS_M))
        if i >= WARMUP:
            bare.append(time.perf_counter() - start)

    result = {
        "n": counts["cameras"],
        **summary(seconds),
        "p95_ms_without_audit": summary(quiet)["p95_ms"],
        "bare_index_p95_ms": summary(bare)["p95_ms"],
        "searches": len(seconds),
        "cameras_found_mean": round(statistics.fmean(found), 1),
        "load_s": round(load_s, 1),
        "index_build_s": round(index_s, 1),
    }
    log(
        f"  [{vendor}] search p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
        f"(without audit p95 {result['p95_ms_without_audit']} ms; bare index lookup p95 "
        f"{result['bare_index_p95_ms']} ms); {result['cameras_found_mean']} cameras per "
        f"search; {audited} searches audited"
    )
    if vendor == "postgresql" and not args.no_postgis:
        postgis = postgis_timings(connection, centres)
        if postgis is not None:
            postgis["n"] = counts["cameras"]
            log(
                f"  [postgis] bare ST_DWithin p50 {postgis['p50_ms']} ms, "
                f"p95 {postgis['p95_ms']} ms, {postgis['cameras_found_mean']} cameras per search"
            )
        result["_postgis"] = postgis
    return result


# The parent process --------------------------------------------------------------------


def child_env(database_url: str, tmp: Path) -> dict:
    alphabet = string.ascii_letters + string.digits + "!#%*+-=@^_"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "MFA_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8000",
        "DATABASE_URL": database_url,
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": "consolemail://",
        "CAMREG_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TASKS_BACKEND", None)
    return env


def pg_admin(pg_server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def ensure_postgis(pg_server: str) -> None:
    """Install Debian's PostGIS for the local server's major version when it is missing and
    we may (root, or passwordless sudo); else say so (the floor is then null)."""
    from urllib.parse import urlparse

    import psycopg

    with psycopg.connect(f"{pg_server.rstrip('/')}/postgres", autocommit=True) as conn:
        available = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
        ).fetchone()
        version = int(conn.execute("SHOW server_version_num").fetchone()[0])
    if available:
        return
    package = f"postgresql-{version // 10000}-postgis-3"
    if urlparse(pg_server).hostname not in ("127.0.0.1", "localhost", "::1"):
        log(f"postgis: not on the server; install {package} there for the PostGIS floor")
        return
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo") and not subprocess.run(["sudo", "-n", "true"], check=False).returncode
    ):
        prefix = ["sudo"]
    else:
        log(f"postgis: not installed; `sudo apt-get install {package}` for the PostGIS floor")
        return
    log(f"postgis: installing {package} (Debian's package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        done = subprocess.run([*prefix, *command], env=env, stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            log(f"postgis: {' '.join(command)} failed ({done.returncode})")
            return


def bench_database(database: str, args, top: Path) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"{database}-", dir=top))
    created_pg = False
    if database == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        url = f"{args.pg_server.rstrip('/')}/{PG_DATABASE}"
    try:
        if database == "postgresql":
            pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            pg_admin(args.pg_server, f"CREATE DATABASE {PG_DATABASE}")
            created_pg = True
        log(f"[{database}] {args.cameras:,} cameras")
        command = [
            PYTHON,
            str(Path(__file__).resolve()),
            "--run-database",
            "--cameras",
            str(args.cameras),
            "--searches",
            str(args.searches),
            "--seed",
            str(args.seed),
        ]
        if args.no_postgis:
            command.append("--no-postgis")
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=child_env(url, tmp),
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"the {database} run failed ({result.returncode})")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        if created_pg:
            try:
                pg_admin(args.pg_server, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                log(f"[{database}] could not drop {PG_DATABASE}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=100_000, help="cameras to load (N)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--searches", type=int, default=500, help="timed searches")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-postgis", action="store_true", help="skip the PostGIS comparison")
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("BENCH_POSTGRES_SERVER", DEFAULT_PG_SERVER),
        help=f"PostgreSQL server URL without a database; {PG_DATABASE} is created and dropped",
    )
    parser.add_argument("--run-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if set(args.databases) - {"sqlite", "postgresql"} or not args.databases:
        parser.error(f"--databases: choose from sqlite,postgresql (got {args.databases})")
    if args.cameras < 1 or args.searches < 1:
        parser.error("--cameras and --searches must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.run_database:
        print(json.dumps(run_database(args)))
        return 0
    top = Path(tempfile.mkdtemp(prefix="camreg-bench-canvass-"))
    results: dict = {"sqlite": None, "postgresql": None, "postgis": None}
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        if "postgresql" in args.databases and not args.no_postgis:
            ensure_postgis(args.pg_server)
        for database in args.databases:
            outcome = bench_database(database, args, top)
            results["postgis"] = outcome.pop("_postgis", results["postgis"])
            results[database] = outcome
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        return 130
    finally:
        shutil.rmtree(top, ignore_errors=True)
    results["load_average"] = {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]}
    floor = (results["postgis"] or {}).get("p95_ms")
    for database in ("sqlite", "postgresql"):
        if results[database]:
            p95 = results[database]["p95_ms"]
            verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
            log(f"target ({database}: p95 <= {TARGET_P95_MS:.0f} ms): {verdict} ({p95} ms)")
            ratio = round(p95 / floor, 2) if floor else None
            results[database]["ratio_to_postgis_p95"] = ratio
            if ratio is not None:
                verdict = "met" if ratio <= TARGET_RATIO_TO_POSTGIS else "MISSED"
                log(
                    f"target ({database}: p95 <= {TARGET_RATIO_TO_POSTGIS:.0f} x bare PostGIS "
                    f"p95 {floor} ms): {verdict} ({ratio}x)"
                )
    if args.json:
        print(json.dumps(results))
    else:
        for name, r in results.items():
            if r:
                if "n" not in r:
                    continue
                ratio = r.get("ratio_to_postgis_p95")
                print(
                    f"{name:11} n={r['n']:,}  p50 {r['p50_ms']:6.2f} ms  p95 {r['p95_ms']:6.2f} ms"
                    + (f"  {ratio}x PostGIS" if ratio is not None else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
