from django_tasks import task

from . import services


@task()
def disable_inactive_staff() -> int:
    """Disable staff accounts unused for STAFF_INACTIVE_DAYS (daily, by the scheduler)."""
    return services.disable_inactive_staff()
