"""The shared schedule of periodic jobs (the scheduler's leases; camreg.web.schedule)."""

from __future__ import annotations

from django.db import models


class ScheduledJob(models.Model):
    """One periodic job (camreg.scheduling.JOBS) and when it is due next.

    Every scheduler of the installation (one per app server) takes a job's lease by moving
    `next_run_at` one interval ahead with a conditional UPDATE; only the one whose UPDATE
    changed the row enqueues the job, so a daily job runs once a day however many
    schedulers run.
    """

    task_path = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    # Which scheduler took the lease last ("host:pid").
    last_run_by = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"Scheduled job {self.task_path}"
