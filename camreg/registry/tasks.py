from django_tasks import task

from . import services


@task()
def purge_unverified_registrations() -> int:
    """Erase registrations whose email was not verified in time (hourly, by the scheduler)."""
    return services.purge_unverified()
