from django.apps import AppConfig

from camreg.scheduling import MINUTE, Job, register


class WebConfig(AppConfig):
    name = "camreg.web"
    label = "web"
    verbose_name = "Shared page layout, forms and request helpers"

    def ready(self) -> None:
        # The task queue's own upkeep: tasks whose worker died run again (TASK_STALE_AFTER).
        register(Job("camreg.web.tasks.recover_stale_tasks", 5 * MINUTE))
