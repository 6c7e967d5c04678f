"""A task whose worker died runs again (docs/operations.md, "Stale tasks").

django-tasks-db marks a task RUNNING when a worker claims it; a worker killed meanwhile
leaves the row RUNNING for ever. The scheduler's recovery job puts it back in the queue
after TASK_STALE_AFTER seconds, and the next worker runs it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from camreg import scheduling
from camreg.scheduling import Job

RECOVER = "camreg.web.tasks.recover_stale_tasks"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RUNS: list[str] = []


@task()
def record_run(label: str) -> str:
    """A stand-in for any task: notes that it ran."""
    RUNS.append(label)
    return label


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.TASK_STALE_AFTER = 600
    settings.TASK_MAX_ATTEMPTS = 3
    RUNS.clear()
    # The worker closes stale connections between tasks; inside a test's transaction that
    # would throw the transaction away. Nothing else of the worker is changed.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    yield
    RUNS.clear()


def run_worker(worker_id: str) -> None:
    """One real db_worker, in batch mode: runs what is ready, then returns."""
    db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def worker_dies_after_claiming(result: DBTaskResult, worker_id: str) -> None:
    """What a worker does before it runs a task; then it is killed (SIGKILL, power)."""
    result.refresh_from_db()
    result.claim(worker_id)


def run_scheduler_and_worker(monkeypatch, worker_id: str) -> None:
    monkeypatch.setattr(scheduling, "JOBS", [Job(RECOVER, scheduling.MINUTE)])
    call_command("scheduler", "--once", stdout=StringIO())
    run_worker(worker_id)


def test_the_recovery_job_is_scheduled():
    assert Job(RECOVER, 5 * scheduling.MINUTE) in scheduling.JOBS


@pytest.mark.django_db
def test_a_task_whose_worker_died_runs_again_after_task_stale_after(database_queue, monkeypatch):
    with time_machine.travel(START, tick=False):
        record_run.enqueue("footage reminder")
        result = DBTaskResult.objects.get()
        worker_dies_after_claiming(result, "worker-killed")

    # Before the timeout: it might still be running; nobody touches it.
    with time_machine.travel(START + timedelta(seconds=599), tick=False):
        run_scheduler_and_worker(monkeypatch, "worker-2")
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
    assert RUNS == []

    # After it: back in the queue, and the next worker runs it, once.
    with time_machine.travel(START + timedelta(seconds=601), tick=False):
        run_scheduler_and_worker(monkeypatch, "worker-3")
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "footage reminder"
    assert result.worker_ids == ["worker-killed", "worker-3"]
    assert RUNS == ["footage reminder"]


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_worker_is_given_up(database_queue):
    with time_machine.travel(START, tick=False) as clock:
        record_run.enqueue("poison")
        result = DBTaskResult.objects.get()
        for attempt in range(1, 4):
            worker_dies_after_claiming(result, f"worker-{attempt}")
            clock.shift(timedelta(seconds=601))
            counts = scheduling.recover_stale_tasks()
            result.refresh_from_db()
            if attempt < 3:
                assert counts == {"requeued": 1, "failed": 0}
                assert result.status == TaskResultStatus.READY
            else:
                assert counts == {"requeued": 0, "failed": 1}

    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == scheduling.STALE_TASK_ERROR
    assert "3 times" in result.traceback
    assert RUNS == []


@pytest.mark.django_db
def test_task_stale_after_zero_switches_the_recovery_off(database_queue, settings):
    settings.TASK_STALE_AFTER = 0
    with time_machine.travel(START, tick=False) as clock:
        record_run.enqueue("anything")
        result = DBTaskResult.objects.get()
        worker_dies_after_claiming(result, "worker-1")
        clock.shift(timedelta(days=30))
        assert scheduling.recover_stale_tasks() == {"requeued": 0, "failed": 0}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
