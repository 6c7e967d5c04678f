from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "camreg.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
