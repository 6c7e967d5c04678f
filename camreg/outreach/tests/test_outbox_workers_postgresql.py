"""Real worker processes against PostgreSQL and a real SMTP server (issue 13, acceptance 3):
two workers share 1,000 queued messages and deliver each exactly once; a worker killed with
SIGKILL in the middle of a run loses nothing and repeats at most the one message that was on
the wire. Skipped on SQLite (one worker there; the test database lives in memory)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from camreg.outreach import services
from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.testing.smtp import CountingHandler, SMTPServer

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("outbox-pg")]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can share: run with PostgreSQL")


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "camreg.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(  # noqa: S603 - this Python, a fixed module
        [sys.executable, "-m", "camreg.outreach.tests.outbox_worker", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def queue(count: int) -> list[OutboxMessage]:
    with transaction.atomic():
        return [
            services.queue_email(
                to=f"person{i}@example.com",
                template="registration_received",
                context={"name": f"Person {i}"},
                language="en",
                wake_worker=False,
            )
            for i in range(count)
        ]


def finish(worker: subprocess.Popen) -> dict:
    out, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_two_workers_deliver_1000_messages_each_exactly_once():
    with SMTPServer(CountingHandler(keep_messages=False)) as server:
        messages = queue(1000)
        workers = [start_worker(server.port) for _ in range(2)]
        results = [finish(worker) for worker in workers]
        handler = server.handler

    assert sum(r["sent"] for r in results) == 1000
    assert all(r["sent"] > 0 for r in results), results  # both took part
    assert set(handler.delivered) == {m.message_id for m in messages}
    assert handler.duplicates == 0
    assert all(count == 1 for count in handler.delivered.values())
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT, attempts=1).count() == 1000


def test_a_worker_killed_mid_run_loses_nothing_and_repeats_at_most_one(settings):
    handler = CountingHandler(delay=0.01, keep_messages=False)
    with SMTPServer(handler) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        messages = queue(300)
        worker = start_worker(server.port)
        deadline = time.monotonic() + 120
        # Mid-batch (a run claims 50 at a time): the rest of its batch is claimed, unsent.
        while sum(handler.delivered.values()) < 125:
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait()  # reaped: its process id is gone
        before = sum(handler.delivered.values())
        assert 125 <= before < 300

        # The next run (here: this process) recovers the dead worker's claims at once.
        while (
            services.more_due()
            or OutboxMessage.objects.filter(status=OutboxStatus.SENDING).exists()
        ):
            services.deliver_due()

    assert set(handler.delivered) == {m.message_id for m in messages}  # none missing
    assert handler.duplicates <= 1  # at most the one on the wire
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 300
