"""Background tasks of the yearly cycle, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def run_confirmation_cycle() -> dict[str, int]:
    """Annual emails, reminders, lapses, purge notices and purges whose day has come (daily,
    by the scheduler; safe to run twice)."""
    return services.run()
