"""Enqueue the periodic jobs of camreg.scheduling when they are due; the worker runs them."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from camreg import scheduling
from camreg.web.schedule import DatabaseLeases

TICK_SECONDS = 1.0


class Command(BaseCommand):
    help = (
        "Enqueue periodic background jobs (camreg/scheduling.py) when they are due. "
        "Runs until stopped (SIGTERM or Ctrl+C); the worker (db_worker) runs the jobs. "
        "Several schedulers may run (one per server): each job's lease in the database "
        "lets only one of them enqueue it per interval."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help=(
                "Enqueue every job now and exit (by hand: the leases that keep several "
                "schedulers from running a job twice are neither asked nor moved)."
            ),
        )

    def handle(self, *args, once: bool = False, **options) -> None:
        if once:
            # By hand: every job now, without asking the leases (nor moving them).
            scheduler = scheduling.Scheduler(scheduling.JOBS)
            enqueued = scheduler.run_due()
            self._report(enqueued, len(scheduler.jobs))
            return

        scheduler = scheduling.Scheduler(scheduling.JOBS, leases=DatabaseLeases())
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(f"Scheduler started with {len(scheduler.jobs)} job(s).")
        try:
            while not stop.is_set():
                close_old_connections()
                scheduler.run_due()
                close_old_connections()
                stop.wait(min(TICK_SECONDS, scheduler.seconds_until_next()))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Scheduler stopped.")

    def _report(self, enqueued: list, total: int) -> None:
        self.stdout.write(f"Enqueued {len(enqueued)} of {total} job(s).")
        for job in enqueued:
            self.stdout.write(f"  {job.task_path}")
