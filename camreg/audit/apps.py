from django.apps import AppConfig
from django.conf import settings

from camreg.scheduling import MINUTE, Job, register


class AuditConfig(AppConfig):
    name = "camreg.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Signed checkpoints outside the database (decision 0017); 0 switches them off.
        if settings.AUDIT_CHECKPOINT_MINUTES > 0:
            register(
                Job(
                    "camreg.audit.tasks.write_checkpoint",
                    settings.AUDIT_CHECKPOINT_MINUTES * MINUTE,
                )
            )
