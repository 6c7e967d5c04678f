from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "camreg.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - revokes a deactivated account's tokens
