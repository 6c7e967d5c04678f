"""Benchmark: an annual confirmation campaign delivered by the real worker, killed twice.

Sets up a fresh database (SQLite by default, or PostgreSQL) with production settings,
creates N active registrations last confirmed more than a year ago, and queues their annual
confirmation emails with the real daily job (`camreg.confirmation` run in a `manage.py`
process). Then starts the real worker (`manage.py db_worker`, one on SQLite, two on
PostgreSQL) against a local aiosmtpd server that counts every message by its Message-ID,
kills a worker with SIGKILL at about a third and two thirds of the run, restarts it at once,
and waits until every message is delivered. Finally it measures a baseline in the same run:
a bare `smtplib` loop over one connection sending the same rendered messages (built before
the timed part) to the same server.

stdout gets one JSON object (with --json):

    {"messages_per_s", "baseline_messages_per_s", "delivered", "duplicates", "missing", ...}

`messages_per_s` is N over the time from the first worker's start until the last message
arrived (kills and restarts included); `duplicates` counts extra copies (at most one per
kill: the message on the wire); `missing` the campaign's messages that never arrived. A
benchmark, not a test: it never fails on timing.

Run:  .venv/bin/python bench/outbox.py --messages 100000 --json
      .venv/bin/python bench/outbox.py --messages 20000 --database postgresql --json
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from camreg.testing.smtp import CountingHandler, SMTPServer  # noqa: E402 - after sys.path

PYTHON = sys.executable
BOUNDARY_FILE = ROOT / "camreg" / "demo" / "data" / "kern-county.geojson"
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
PG_DATABASE = "camreg_bench_outbox"
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(f"[outbox bench] {message}", file=sys.stderr, flush=True)


# The parts that run inside Django (a child process with the benchmark's environment) ------


def child_create_registrants(count: int) -> None:
    """`count` active registrations, each with a place and a camera, last confirmed 13
    months ago (due now), half in English and half in Spanish. Bulk inserts."""
    import django

    django.setup()
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from camreg.registry.models import Camera, Registrant, Site

    confirmed = timezone.now() - timedelta(days=400)
    chunk = 5000
    for start in range(0, count, chunk):
        with transaction.atomic():
            registrants = Registrant.objects.bulk_create(
                [
                    Registrant(
                        kind="resident",
                        name=f"Resident {i}",
                        email=f"resident{i}@example.org",
                        email_key=f"resident{i}@example.org",
                        phone="+16615550100",
                        language="es" if i % 2 else "en",
                        status="active",
                        verified_at=confirmed,
                        confirmed_at=confirmed,
                    )
                    for i in range(start, min(start + chunk, count))
                ]
            )
            sites = Site.objects.bulk_create(
                [
                    Site(
                        registrant=r,
                        label="Home",
                        street=f"{1000 + r.pk % 8000} Truxtun Ave",
                        city="Bakersfield",
                        postcode="93301",
                        latitude=35.3733,
                        longitude=-119.0210,
                        location_source="pin",
                    )
                    for r in registrants
                ]
            )
            Camera.objects.bulk_create(
                [
                    Camera(
                        site=s,
                        label="Front door",
                        direction=90,
                        retention_days=30,
                        system_type="cloud_doorbell",
                    )
                    for s in sites
                ]
            )


def child_queue_campaign() -> None:
    """The daily job, as the worker runs it: every due registration gets its annual email."""
    import django

    django.setup()
    from camreg.confirmation import services

    started = time.perf_counter()
    counts = services.run()
    print(json.dumps({"seconds": time.perf_counter() - started, **counts}), flush=True)


def child_baseline(port: int, limit: int) -> None:
    """A bare smtplib loop over one connection sending the campaign's rendered messages.

    The messages are built (MIME, the same code the worker uses) in chunks before each timed
    part; only the `sendmail` calls are timed."""
    import django

    django.setup()
    import smtplib

    from django.conf import settings

    from camreg.outreach.models import OutboxMessage
    from camreg.outreach.services.delivery import _Run

    run = _Run()
    sender = settings.DEFAULT_FROM_EMAIL
    smtp = smtplib.SMTP("127.0.0.1", port)
    sent = 0
    sending = 0.0
    pks = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)[:limit])
    for start in range(0, len(pks), 2000):
        rows = OutboxMessage.objects.filter(pk__in=pks[start : start + 2000]).order_by("pk")
        batch = []
        for row in rows:
            email = run.email(row)
            batch.append(
                (email.from_email, email.recipients(), email.message().as_bytes(linesep="\r\n"))
            )
        began = time.perf_counter()
        for _from, to, data in batch:
            smtp.sendmail(sender, to, data)
        sending += time.perf_counter() - began
        sent += len(batch)
    smtp.quit()
    print(json.dumps({"sent": sent, "seconds": sending}), flush=True)


def child_state() -> None:
    import django

    django.setup()
    from django.db.models import Count

    from camreg.outreach.models import OutboxMessage

    print(
        json.dumps(dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")))),
        flush=True,
    )


CHILDREN = {
    "create": lambda args: child_create_registrants(int(args[0])),
    "queue": lambda args: child_queue_campaign(),
    "baseline": lambda args: child_baseline(int(args[0]), int(args[1])),
    "state": lambda args: child_state(),
}


# The benchmark -------------------------------------------------------------------------


def base_env(database_url: str, tmp: Path, smtp_port: int) -> dict:
    alphabet = string.ascii_letters + string.digits + "!#%*+-=@^_"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "MFA_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://registry.example.org",
        "DATABASE_URL": database_url,
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "DEFAULT_FROM_EMAIL": "Camera Registry <registry@example.org>",
        "CAMREG_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "AUDIT_CHECKPOINT_FILE": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TASKS_BACKEND", None)  # the database-backed queue
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        log(result.stdout[-3000:])
        log(result.stderr[-3000:])
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def child(env: dict, name: str, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, __file__, "--child", name, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        log(result.stderr[-3000:])
        raise RuntimeError(f"child {name} failed ({result.returncode})")
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def start_worker(env: dict, index: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--interval",
            "0.2",
            "--no-reload",
            "--no-startup-delay",
            "--worker-id",
            f"bench-{index}-{secrets.token_hex(3)}",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def deliver(
    env: dict, handler: CountingHandler, count: int, workers: int, kills: int, timeout: float
):
    """Run the workers until `count` distinct messages arrived; kill one `kills` times."""
    processes = [start_worker(env, i) for i in range(workers)]
    started = time.perf_counter()
    kill_at = [count * (k + 1) // (kills + 1) for k in range(kills)]
    killed = []
    last_log = started
    try:
        while len(handler.delivered) < count:
            now = time.perf_counter()
            if now - started > timeout:
                log(f"timed out after {timeout:.0f} s with {len(handler.delivered)} delivered")
                break
            if kill_at and len(handler.delivered) >= kill_at[0]:
                kill_at.pop(0)
                victim = len(killed) % workers
                processes[victim].send_signal(signal.SIGKILL)
                processes[victim].wait()
                killed.append(len(handler.delivered))
                log(f"SIGKILL worker {victim} at {len(handler.delivered)} delivered; restarted")
                processes[victim] = start_worker(env, victim)
            for i, process in enumerate(processes):
                if process.poll() is not None:
                    log(f"worker {i} exited ({process.returncode}); restarting it")
                    processes[i] = start_worker(env, i)
            if now - last_log > 10:
                rate = len(handler.delivered) / (now - started)
                log(f"{len(handler.delivered)} delivered, {rate:.0f}/s")
                last_log = now
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            stop(process)
    return elapsed, killed


def run_bench(args) -> dict:
    top = Path(tempfile.mkdtemp(prefix="camreg-outbox-bench-"))
    handler = CountingHandler(keep_messages=False)
    server = SMTPServer(handler).__enter__()
    created_pg = False
    try:
        if args.database == "postgresql":
            import psycopg

            with psycopg.connect(f"{args.pg_server}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_DATABASE}")
            created_pg = True
            url = f"{args.pg_server}/{PG_DATABASE}"
        else:
            url = f"sqlite:///{top / 'bench.sqlite3'}"
        env = base_env(url, top, server.port)
        workers = args.workers or (2 if args.database == "postgresql" else 1)

        log(f"{args.database}: migrate, agency, {args.messages} registrations")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "setup_agency", *SETUP_AGENCY)
        began = time.perf_counter()
        child(env, "create", str(args.messages))
        log(f"registrations created in {time.perf_counter() - began:.1f} s")

        queued = child(env, "queue")
        log(
            f"campaign queued: {queued.get('annual')} annual emails in "
            f"{queued['seconds']:.1f} s ({queued.get('annual', 0) / queued['seconds']:.0f}/s)"
        )

        log(f"delivering with {workers} worker(s), {args.kills} SIGKILL(s)")
        elapsed, killed = deliver(env, handler, args.messages, workers, args.kills, args.timeout)
        delivered = dict(handler.delivered)
        state = child(env, "state")
        log(f"delivered {len(delivered)} in {elapsed:.1f} s; outbox: {state}")

        log("baseline: bare smtplib over one connection, the same messages")
        handler.delivered.clear()
        baseline = child(
            env, "baseline", str(server.port), str(args.baseline_messages or args.messages)
        )

        duplicates = sum(n - 1 for n in delivered.values() if n > 1)
        return {
            "messages_per_s": round(args.messages / elapsed, 1),
            "baseline_messages_per_s": round(baseline["sent"] / baseline["seconds"], 1),
            "delivered": len(delivered),
            "duplicates": duplicates,
            "missing": args.messages - len(delivered),
            "kills": len(killed),
            "killed_at": killed,
            "workers": workers,
            "database": args.database,
            "messages": args.messages,
            "delivery_seconds": round(elapsed, 1),
            "queue_seconds": round(queued["seconds"], 1),
            "baseline_messages": baseline["sent"],
            "outbox": state,
        }
    finally:
        server.__exit__(None, None, None)
        if created_pg:
            try:
                import psycopg

                with psycopg.connect(f"{args.pg_server}/postgres", autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                log(f"could not drop {PG_DATABASE}: {exc}")
        shutil.rmtree(top, ignore_errors=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=0, help="default: 1 SQLite, 2 PostgreSQL")
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument(
        "--baseline-messages", type=int, default=0, help="default: all the messages"
    )
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--pg-server", default=os.environ.get("BENCH_POSTGRES_SERVER", DEFAULT_PG_SERVER)
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        name, *rest = args.child
        CHILDREN[name](rest)
        return 0
    result = run_bench(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
