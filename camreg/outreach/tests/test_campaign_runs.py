"""With the database queue, a campaign keeps one more delivery run waiting while more than a
batch is due: a second worker joins at once, and a worker restarted after a crash finds it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from camreg.outreach import services
from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.outreach.tasks import deliver_due_messages

pytestmark = pytest.mark.django_db
DELIVER_DUE = "camreg.outreach.tasks.deliver_due_messages"


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def queue_campaign(count: int) -> None:
    with transaction.atomic():
        for i in range(count):
            services.queue_email(
                to=f"person{i}@example.com",
                template="registration_received",
                context={},
                language="en",
                idempotency_key=f"campaign:{i}",
                wake_worker=False,
            )
        services.wake_delivery()
        services.wake_delivery()  # twice: still one run waiting


def test_a_campaign_wakes_one_run_and_each_run_keeps_one_more_waiting(database_queue, mailoutbox):
    queue_campaign(services.CLAIM_BATCH * 2)
    assert DBTaskResult.objects.filter(task_path=DELIVER_DUE).count() == 1
    result = DBTaskResult.objects.get()
    result.claim("worker-1")
    # The run starts with more than a batch due: one more run waits for another worker.
    outcome = deliver_due_messages.call()
    assert outcome["sent"] == services.CLAIM_BATCH * 2
    waiting = DBTaskResult.objects.filter(task_path=DELIVER_DUE, status="READY")
    assert waiting.count() == 1
    # That run finds nothing left, and enqueues nothing more.
    assert deliver_due_messages.call()["sent"] == 0
    assert waiting.count() == 1
    assert len(mailoutbox) == services.CLAIM_BATCH * 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == len(mailoutbox)
