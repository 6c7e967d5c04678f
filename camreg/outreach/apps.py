from django.apps import AppConfig

from camreg.scheduling import Job, register


class OutreachConfig(AppConfig):
    name = "camreg.outreach"
    label = "outreach"
    verbose_name = "Outreach"

    def ready(self) -> None:
        register(
            # Retries and anything whose delivery task was lost.
            Job("camreg.outreach.tasks.deliver_due_messages", 30),
        )
