from django.apps import AppConfig

from camreg.scheduling import DAY, MINUTE, Job, register


class WebConfig(AppConfig):
    name = "camreg.web"
    label = "web"
    verbose_name = "Shared page layout, forms and request helpers"

    def ready(self) -> None:
        # The task queue's own upkeep: tasks whose worker died run again (TASK_STALE_AFTER).
        register(
            Job("camreg.web.tasks.recover_stale_tasks", 5 * MINUTE),
            # Finished task rows older than TASK_RESULTS_KEEP_DAYS.
            Job("camreg.web.tasks.prune_task_results", DAY),
        )
