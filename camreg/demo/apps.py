from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (the Kern County profile, invented registrations and addresses) and the
    commands that load it. The top layer: no other app imports it."""

    name = "camreg.demo"
    label = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
