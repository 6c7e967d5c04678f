from django.apps import AppConfig

from camreg.scheduling import MINUTE, Job, register


class CanvassConfig(AppConfig):
    name = "camreg.canvass"
    label = "canvass"
    verbose_name = "Canvass"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers

        # The map cells' "confirmed within the last year" moves with the clock (decision 0020).
        register(Job("camreg.canvass.tasks.age_map_cells", 10 * MINUTE))
