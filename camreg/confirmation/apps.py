from django.apps import AppConfig

from camreg.scheduling import DAY, Job, register


class ConfirmationConfig(AppConfig):
    name = "camreg.confirmation"
    label = "confirmation"
    verbose_name = "Annual confirmation"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers

        register(
            # The yearly cycle: annual emails, reminders, lapses, purge notices, purges.
            # Daily (a lease in the database: once a day however many schedulers run).
            Job("camreg.confirmation.tasks.run_confirmation_cycle", DAY),
        )
