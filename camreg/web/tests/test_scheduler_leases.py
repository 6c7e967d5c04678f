"""Several schedulers, one run per interval: each job's lease is a row in the database
(docs/operations.md, "The scheduler"); finished task rows are pruned daily."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from camreg import scheduling
from camreg.scheduling import DAY, Job, Scheduler
from camreg.web import tasks
from camreg.web.models import ScheduledJob
from camreg.web.schedule import DatabaseLeases

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAILY = Job("camreg.web.tests.test_scheduler_leases.daily_job", DAY)
RUNS: list[str] = []


@task()
def daily_job() -> None:
    RUNS.append("ran")


@pytest.fixture(autouse=True)
def _clean():
    RUNS.clear()
    yield
    RUNS.clear()


def schedulers(count: int, clock) -> list[Scheduler]:
    return [
        Scheduler([DAILY], clock=clock, leases=DatabaseLeases(holder=f"server-{i}"))
        for i in range(count)
    ]


def test_three_schedulers_run_a_daily_job_once_a_day():
    seconds = [0.0]
    with time_machine.travel(START, tick=False) as traveller:
        machines = schedulers(3, clock=lambda: seconds[0])
        for day in range(3):
            # Every scheduler wakes up many times during the day.
            for _hour in range(24):
                for machine in machines:
                    machine.run_due()
                traveller.shift(timedelta(hours=1))
                seconds[0] += 3600
            assert len(RUNS) == day + 1, f"day {day}: {len(RUNS)} runs"
    row = ScheduledJob.objects.get(task_path=DAILY.task_path)
    assert row.last_run_by.startswith("server-")


def test_a_scheduler_that_restarts_waits_for_the_lease_not_a_full_day():
    seconds = [0.0]
    with time_machine.travel(START, tick=False) as traveller:
        (first,) = schedulers(1, clock=lambda: seconds[0])
        first.run_due()
        assert RUNS == ["ran"]
        traveller.shift(timedelta(hours=20))
        seconds[0] += 20 * 3600
        (restarted,) = schedulers(1, clock=lambda: seconds[0])  # due "at start" in memory
        assert restarted.run_due() == []  # the lease says: in 4 hours
        assert restarted.seconds_until_next() == pytest.approx(4 * 3600)
        traveller.shift(timedelta(hours=4))
        seconds[0] += 4 * 3600
        assert restarted.run_due() == [DAILY]
    assert RUNS == ["ran", "ran"]


def test_a_failed_enqueue_gives_the_lease_back():
    seconds = [0.0]
    calls = []

    def failing(job):
        calls.append(job)
        raise RuntimeError("database is locked")

    with time_machine.travel(START, tick=False):
        scheduler = Scheduler(
            [DAILY], clock=lambda: seconds[0], enqueue=failing, leases=DatabaseLeases()
        )
        scheduler.run_due()
        # Rolled back with the failed enqueue: still due for any scheduler.
        lease = ScheduledJob.objects.filter(task_path=DAILY.task_path).first()
        assert lease is None or lease.next_run_at <= START
        seconds[0] += scheduling.RETRY_AFTER_ERROR_SECONDS
        (other,) = schedulers(1, clock=lambda: seconds[0])
        assert other.run_due() == [DAILY]
    assert len(calls) == 1 and RUNS == ["ran"]


def test_finished_task_rows_are_pruned_after_the_keep_days(settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            daily_job.enqueue()
        DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=START)
        daily_job.enqueue()  # still waiting: never pruned
        traveller.shift(timedelta(days=14, seconds=-1))
        assert tasks.prune_task_results.call() == 0
        traveller.shift(timedelta(seconds=2))
        assert tasks.prune_task_results.call() == 3
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


def test_the_pruning_is_scheduled_daily():
    assert Job("camreg.web.tasks.prune_task_results", DAY) in scheduling.JOBS
