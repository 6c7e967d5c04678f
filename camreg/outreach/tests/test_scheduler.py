"""The scheduler enqueues periodic jobs when they are due."""

import logging
import os
import signal
import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from camreg import scheduling
from camreg.outreach.models import OutboxStatus
from camreg.outreach.services import queue_email
from camreg.scheduling import Job, Scheduler

DELIVER_DUE = "camreg.outreach.tasks.deliver_due_messages"
FAILING = "camreg.outreach.tests.test_delivery_retry.FailingBackend"


def queue_failing_message(settings):
    settings.EMAIL_BACKEND = FAILING
    message = queue_email(
        to="ana@example.com",
        template="registration_received",
        context={"name": "Ana"},
        language="en",
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    return message


def test_the_outbox_and_registry_jobs_are_scheduled():
    jobs = {job.task_path: job.every_seconds for job in scheduling.JOBS}
    assert jobs[DELIVER_DUE] == 30
    assert jobs["camreg.registry.tasks.purge_unverified_registrations"] == 3600
    for job in scheduling.JOBS:
        assert scheduling.load_task(job.task_path) is not None, job


@pytest.mark.django_db
def test_once_runs_the_due_jobs(settings, mailoutbox, monkeypatch):
    monkeypatch.setattr(scheduling, "JOBS", [Job(DELIVER_DUE, 30)])
    message = queue_failing_message(settings)

    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        out = StringIO()
        call_command("scheduler", "--once", stdout=out)

    assert "Enqueued 1 of 1 job(s)" in out.getvalue()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_task_that_cannot_be_imported_is_logged_and_skipped(
    settings, mailoutbox, monkeypatch, caplog
):
    monkeypatch.setattr(
        scheduling,
        "JOBS",
        [Job("camreg.nowhere.tasks.missing", 3600), Job(DELIVER_DUE, 30)],
    )
    message = queue_failing_message(settings)

    with (
        caplog.at_level(logging.ERROR, logger="camreg.scheduling"),
        time_machine.travel(message.next_attempt_at + timedelta(seconds=1)),
    ):
        call_command("scheduler", "--once", stdout=StringIO())

    assert "camreg.nowhere.tasks.missing" in caplog.text
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@pytest.mark.django_db
def test_with_the_database_queue_jobs_are_enqueued_once(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(scheduling, "JOBS", [Job(DELIVER_DUE, 30)])

    call_command("scheduler", "--once", stdout=StringIO())
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [DELIVER_DUE]

    # No worker ran it yet: a second run does not pile up another copy.
    call_command("scheduler", "--once", stdout=StringIO())
    assert DBTaskResult.objects.count() == 1


def test_jobs_run_at_start_then_at_their_interval():
    now = [1000.0]
    enqueued = []

    def enqueue(job):
        enqueued.append(job.task_path)
        return True

    fast, slow = Job("fast", 30), Job("slow", 3600)
    scheduler = Scheduler([fast, slow], clock=lambda: now[0], enqueue=enqueue)

    assert scheduler.run_due() == [fast, slow]
    assert scheduler.run_due() == []
    now[0] += 29
    assert scheduler.run_due() == []
    now[0] += 1
    assert scheduler.run_due() == [fast]
    assert scheduler.seconds_until_next() == 30
    now[0] = 1000.0 + 3600
    assert scheduler.run_due() == [fast, slow]
    assert enqueued == ["fast", "slow", "fast", "fast", "slow"]


def test_a_failed_enqueue_is_retried_soon_and_does_not_stop_other_jobs(caplog):
    now = [0.0]
    calls = []

    def enqueue(job):
        calls.append(job.task_path)
        if job.task_path == "broken":
            raise RuntimeError("database is locked")
        return True

    broken, fine = Job("broken", 3600), Job("fine", 3600)
    scheduler = Scheduler([broken, fine], clock=lambda: now[0], enqueue=enqueue)
    with caplog.at_level(logging.ERROR, logger="camreg.scheduling"):
        assert scheduler.run_due() == [fine]
    assert "database is locked" in caplog.text
    now[0] = scheduling.RETRY_AFTER_ERROR_SECONDS
    scheduler.run_due()
    assert calls == ["broken", "fine", "broken"]


@pytest.mark.django_db
def test_sigterm_stops_the_scheduler_cleanly(monkeypatch):
    monkeypatch.setattr(scheduling, "JOBS", [Job(DELIVER_DUE, 30)])
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    out = StringIO()
    started = timezone.now()
    try:
        call_command("scheduler", stdout=out)
    finally:
        timer.cancel()
    assert timezone.now() - started < timedelta(seconds=5)
    assert "Scheduler stopped." in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is before
