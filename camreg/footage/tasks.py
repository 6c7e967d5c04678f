from django_tasks import task

from . import services


@task()
def expire_footage_links() -> int:
    """Unanswered requests whose link has expired become "expired" (by the scheduler)."""
    return services.expire_links()


@task()
def send_footage_reminders() -> int:
    """One reminder 48 hours after an unanswered request, while the video is still kept."""
    return services.send_reminders()
