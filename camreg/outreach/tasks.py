"""Background tasks of the outbox, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from camreg import scheduling

from . import services


@task()
def deliver_message(message_id: int) -> None:
    """Send one outbox message (enqueued by services.queue_email)."""
    services.deliver(message_id)


@task()
def deliver_due_messages() -> dict[str, int]:
    """Send what has come due, retries included (by the scheduler every 30 seconds, and after
    a campaign is queued), for up to RUN_SECONDS.

    With the database queue, while more than one batch is due, one more run always waits in
    the queue: another worker joins in at once, and a worker that restarts after a crash
    finds it without waiting for the scheduler. A run that stops with messages left due
    likewise hands over to a new run.
    """
    database_queue = scheduling.is_database_queue(deliver_due_messages)
    if database_queue and services.more_due(beyond=services.CLAIM_BATCH):
        _one_more_run()
    result = services.send_due()
    if database_queue and result.more and services.more_due():
        _one_more_run()
    return {"sent": result.sent, "failed": result.failed, "more": int(result.more)}


def _one_more_run() -> None:
    if not scheduling.already_waiting(deliver_due_messages):
        deliver_due_messages.enqueue()
