"""Periodic jobs: which background task runs how often.

`manage.py scheduler` enqueues each job when it is due; the worker
(`manage.py db_worker`) runs it. A job names its task by dotted path, so this
module imports nothing at load time, and a task that cannot be imported is
logged and skipped instead of stopping the other jobs.

To add a job, call `scheduling.register(Job(...))` in your app's `AppConfig.ready()`.

`recover_stale_tasks()` (a job of its own, registered by camreg.web) puts tasks whose
worker died back in the queue.

Several schedulers (one per app server) may run at once: give the Scheduler `leases` (the
database-backed ones of camreg.web.schedule, which `manage.py scheduler` uses) and a job
is enqueued only by the scheduler that takes its lease, so it runs once per interval
however many schedulers there are. The lease is taken and the task enqueued in one
transaction: a failed enqueue gives the lease back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResultStatus

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


class Job(NamedTuple):
    """A task (dotted path to a django_tasks task, taking no arguments) and how often it runs."""

    task_path: str
    every_seconds: int


# Every app registers its periodic jobs from its AppConfig.ready(), so this module
# knows no app and every app may use it.
JOBS: list[Job] = []


def register(*jobs: Job) -> None:
    """Add periodic jobs (registering the same job twice adds it once)."""
    for job in jobs:
        if job not in JOBS:
            JOBS.append(job)


# Running them ----------------------------------------------------------------------

# After a failed enqueue (database busy, ...) try again this soon, not a whole interval later.
RETRY_AFTER_ERROR_SECONDS = 30


def load_task(task_path: str) -> Task | None:
    """The task at `task_path`, or None (logged) when it cannot be imported."""
    try:
        candidate = import_string(task_path)
    except ImportError:
        logger.exception("Scheduler: cannot import task %s; skipping it", task_path)
        return None
    if not isinstance(candidate, Task):
        logger.error("Scheduler: %s is not a task (decorate it with @task); skipping it", task_path)
        return None
    return candidate


def enqueue_job(job: Job) -> bool:
    """Enqueue one run of `job`; False (logged) when its task cannot be imported.

    Errors of the task queue itself (a busy database, ...) are raised.
    """
    task = load_task(job.task_path)
    if task is None:
        return False
    if already_waiting(task):
        logger.info("Scheduler: %s is still waiting for a worker", job.task_path)
        return False
    task.enqueue()
    logger.info("Scheduler: enqueued %s", job.task_path)
    return True


def is_database_queue(task: Task) -> bool:
    """Whether `task` goes to django-tasks-db's queue (not run at once, as in tests)."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def already_waiting(task: Task) -> bool:
    """Whether the database queue already holds a run of `task` no worker has started.

    Stops a stopped worker from finding thousands of identical runs when it returns.
    """
    if not is_database_queue(task):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY
    ).exists()


_already_waiting = already_waiting  # the name it had before


class Leases(Protocol):
    """Where schedulers agree who runs a job (camreg.web.schedule.DatabaseLeases)."""

    def claim(self, job: Job) -> tuple[bool, float]:
        """Take the job's lease if it is due: (taken, seconds until it is due again).

        Called inside a transaction that also enqueues the job when the lease is taken.
        """
        ...


@dataclass
class Scheduler:
    """In-memory schedule: every job is due at start, then every `every_seconds`.

    With `leases`, a due job is enqueued only when this scheduler takes its lease (shared
    by every scheduler of the installation); otherwise it waits as long as the lease says.
    """

    jobs: list[Job] = field(default_factory=lambda: list(JOBS))
    clock: Callable[[], float] = time.monotonic
    enqueue: Callable[[Job], bool] = enqueue_job
    leases: Leases | None = None
    next_run: dict[Job, float] = field(init=False)

    def __post_init__(self) -> None:
        self.jobs = list(self.jobs)
        start = self.clock()
        self.next_run = {job: start for job in self.jobs}

    def run_due(self) -> list[Job]:
        """Enqueue every job that is due; return the jobs enqueued.

        A job whose task cannot be imported waits for its next interval; one that
        could not be enqueued is tried again after RETRY_AFTER_ERROR_SECONDS.
        """
        now = self.clock()
        enqueued = []
        for job in self.jobs:
            if self.next_run[job] > now:
                continue
            try:
                if self.leases is None:
                    done = self.enqueue(job)
                else:
                    taken, done, wait = self._enqueue_leased(job)
                    if not taken:  # another scheduler ran it: wait as long as its lease
                        self.next_run[job] = now + max(1.0, min(wait, job.every_seconds))
                        continue
            except Exception:  # noqa: BLE001 - one job's failure must not stop the others
                logger.exception("Scheduler: could not enqueue %s", job.task_path)
                self.next_run[job] = now + min(job.every_seconds, RETRY_AFTER_ERROR_SECONDS)
                continue
            self.next_run[job] = now + job.every_seconds
            if done:
                enqueued.append(job)
        return enqueued

    def _enqueue_leased(self, job: Job) -> tuple[bool, bool, float]:
        """Take the lease and enqueue in one transaction.

        Returns (lease taken, task enqueued, seconds until the lease is due again).
        """
        from django.db import transaction

        assert self.leases is not None
        with transaction.atomic():
            taken, wait = self.leases.claim(job)
            if not taken:
                return False, False, wait
            done = self.enqueue(job)
        return True, done, wait

    def seconds_until_next(self) -> float:
        if not self.next_run:
            return float("inf")
        return max(0.0, min(self.next_run.values()) - self.clock())


# Stale tasks -----------------------------------------------------------------------

# exception_class_path of a task given up after TASK_MAX_ATTEMPTS dead workers.
STALE_TASK_ERROR = "camreg.scheduling.WorkerDied"


def recover_stale_tasks(*, now: datetime | None = None) -> dict[str, int]:
    """Put tasks whose worker died back in the queue; return how many were requeued/failed.

    django-tasks-db marks a task RUNNING when a worker claims it, and only that worker ever
    finishes it: when the worker is killed (SIGKILL, out of memory, a reboot), the row stays
    RUNNING for ever and the task never runs. A task RUNNING for longer than
    TASK_STALE_AFTER seconds is made READY again, for any worker to run. One that has been
    claimed TASK_MAX_ATTEMPTS times already (every claim adds a worker id) is marked FAILED
    instead: a task that kills its worker must not kill every worker in turn.

    TASK_STALE_AFTER must be longer than any task runs, or a slow task would run twice at
    once. 0 switches the recovery off.
    """
    from django.conf import settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    counts = {"requeued": 0, "failed": 0}
    stale_after = settings.TASK_STALE_AFTER
    if stale_after <= 0:
        return counts
    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=stale_after)
    ).only("pk", "task_path", "started_at", "worker_ids")
    for result in stale:
        # The row as we saw it: a worker that claimed it again meanwhile keeps it.
        same = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        attempts = len(result.worker_ids)
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            changed = same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=STALE_TASK_ERROR,
                traceback=(
                    f"The worker running this task stopped without finishing it, "
                    f"{attempts} times (TASK_MAX_ATTEMPTS); not run again.\n"
                ),
            )
            if changed:
                counts["failed"] += 1
                logger.error(
                    "Task %s (%s): its worker died %d times; marked failed",
                    result.pk,
                    result.task_path,
                    attempts,
                )
        elif same.update(status=TaskResultStatus.READY):
            counts["requeued"] += 1
            logger.warning(
                "Task %s (%s): running since %s, its worker is gone; requeued (attempt %d of %d)",
                result.pk,
                result.task_path,
                result.started_at.isoformat(),
                attempts + 1,
                settings.TASK_MAX_ATTEMPTS,
            )
    return counts
