from django.apps import AppConfig
from django.conf import settings

from camreg.scheduling import DAY, HOUR, Job, register


class EvidenceConfig(AppConfig):
    name = "camreg.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers

        # Evidence whose retention ended is purged daily; stored hashes are re-verified
        # every EVIDENCE_VERIFY_EVERY_DAYS days (0: only by `manage.py verify_evidence`).
        register(Job("camreg.evidence.tasks.purge_expired_evidence", DAY))
        # Uploads left unfinished past EVIDENCE_UPLOAD_EXPIRY_HOURS lose their bytes (tus
        # expiration).
        register(Job("camreg.evidence.tasks.purge_expired_uploads", HOUR))
        every_days = getattr(settings, "EVIDENCE_VERIFY_EVERY_DAYS", 7)
        if every_days > 0:
            register(Job("camreg.evidence.tasks.verify_evidence_hashes", every_days * DAY))
