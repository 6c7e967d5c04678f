"""Background tasks of the outbox, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def deliver_message(message_id: int) -> None:
    """Send one outbox message (enqueued by services.queue_email)."""
    services.deliver(message_id)


@task()
def deliver_due_messages() -> int:
    """Send every message that has come due, retries included (run by the scheduler)."""
    return services.deliver_due()
