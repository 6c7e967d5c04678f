"""Background tasks of the task queue itself, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from camreg import scheduling


@task()
def recover_stale_tasks() -> dict[str, int]:
    """Requeue tasks whose worker died while running them (by the scheduler, every 5 minutes)."""
    return scheduling.recover_stale_tasks()
