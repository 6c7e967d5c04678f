"""The scheduler's leases in the database: several schedulers, each job once per interval.

`manage.py scheduler` runs `camreg.scheduling.Scheduler(leases=DatabaseLeases())`. A lease
is a row per job (web.ScheduledJob) whose `next_run_at` a scheduler moves one interval
ahead with one conditional UPDATE (`... WHERE next_run_at <= now`): when two schedulers
try at once, exactly one UPDATE changes the row, on SQLite and PostgreSQL, and only that
scheduler enqueues the job. The lease lives in the database, not in a local lock file,
so it holds across machines.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from camreg.scheduling import Job

from .models import ScheduledJob


class DatabaseLeases:
    """The `leases` of camreg.scheduling.Scheduler, kept in web.ScheduledJob."""

    def __init__(self, holder: str | None = None) -> None:
        self.holder = holder or f"{socket.gethostname()[:100]}:{os.getpid()}"

    def claim(self, job: Job) -> tuple[bool, float]:
        now = timezone.now()
        interval = timedelta(seconds=job.every_seconds)
        self._ensure_row(job, now)
        # Due, or further ahead than one interval (the interval was shortened since).
        taken = (
            ScheduledJob.objects.filter(task_path=job.task_path)
            .filter(Q(next_run_at__lte=now) | Q(next_run_at__gt=now + interval))
            .update(next_run_at=now + interval, last_run_at=now, last_run_by=self.holder)
        )
        if taken:
            return True, float(job.every_seconds)
        next_run_at = (
            ScheduledJob.objects.filter(task_path=job.task_path)
            .values_list("next_run_at", flat=True)
            .first()
        )
        wait = (next_run_at - now).total_seconds() if next_run_at else 0.0
        return False, max(wait, 0.0)

    @staticmethod
    def _ensure_row(job: Job, now) -> None:
        if ScheduledJob.objects.filter(task_path=job.task_path).exists():
            return
        try:
            with transaction.atomic():  # a savepoint: another scheduler may insert it too
                ScheduledJob.objects.create(task_path=job.task_path, next_run_at=now)
        except IntegrityError:
            pass
