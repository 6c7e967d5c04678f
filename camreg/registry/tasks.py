from django_tasks import task

from . import services


@task()
def erase_rejected_registrations() -> int:
    """Erase the personal data of registrations turned down long enough ago (daily)."""
    return services.erase_rejected()


@task()
def purge_unverified_registrations() -> int:
    """Erase registrations whose email was not verified in time (hourly, by the scheduler)."""
    return services.purge_unverified()


@task()
def purge_pending_photos() -> int:
    """Erase photos chosen on forms that were never saved (hourly, by the scheduler)."""
    return services.purge_pending_photos()
