"""Background tasks of the task queue itself, run by the worker (`manage.py db_worker`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from camreg import scheduling

# Finished task rows are deleted in chunks of this many (one short transaction each).
PRUNE_CHUNK = 5000


@task()
def recover_stale_tasks() -> dict[str, int]:
    """Requeue tasks whose worker died while running them (by the scheduler, every 5 minutes)."""
    return scheduling.recover_stale_tasks()


@task()
def prune_task_results() -> int:
    """Delete finished task rows older than TASK_RESULTS_KEEP_DAYS (daily, by the scheduler).

    django-tasks-db keeps a row per task run (its arguments, result or traceback); without
    pruning they pile up for ever. Same rule as its `prune_db_task_results` command (finished
    ones only: successful or failed), in chunks. Returns how many rows were deleted.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    old = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff)
    deleted = 0
    while True:
        chunk = list(old.values_list("pk", flat=True)[:PRUNE_CHUNK])
        if not chunk:
            return deleted
        deleted += DBTaskResult.objects.filter(pk__in=chunk).delete()[0]
