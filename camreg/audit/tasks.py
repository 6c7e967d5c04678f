"""Background tasks of the audit log, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def write_checkpoint() -> dict | None:
    """Write a signed checkpoint of the log outside the database (run by the scheduler)."""
    checkpoint = services.write_checkpoint()
    return checkpoint.fields() if checkpoint else None
