from django.apps import AppConfig


class CanvassConfig(AppConfig):
    name = "camreg.canvass"
    label = "canvass"
    verbose_name = "Canvass"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
