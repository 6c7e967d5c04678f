from django.apps import AppConfig

from camreg.scheduling import MINUTE, Job, register


class FootageConfig(AppConfig):
    name = "camreg.footage"
    label = "footage"
    verbose_name = "Footage requests"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers

        # Unanswered requests whose link has expired; reminders 48 hours after a request.
        register(
            Job("camreg.footage.tasks.expire_footage_links", 15 * MINUTE),
            Job("camreg.footage.tasks.send_footage_reminders", 15 * MINUTE),
        )
