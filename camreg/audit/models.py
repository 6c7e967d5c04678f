"""The append-only, hash-chained audit log."""

from django.db import models


class ActorType(models.TextChoices):
    STAFF = "staff", "Staff"
    REGISTRANT = "registrant", "Registrant"
    SYSTEM = "system", "System"
    ANONYMOUS = "anonymous", "Anonymous"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"


class Scheme(models.IntegerChoices):
    """How a row's hash was made (decision 0017)."""

    # Plain SHA-256: rows written before the audit key existed; sealed by the first keyed row.
    SHA256 = 1, "SHA-256 (unkeyed, before the audit key)"
    # HMAC-SHA256 under the audit key (AUDIT_HMAC_KEY), named by `key_id`.
    HMAC_SHA256 = 2, "HMAC-SHA256 (audit key)"


class AuditEvent(models.Model):
    """Who did what to what, when, from where and why.

    Rows are only ever inserted (audit.services.record). Each stores a keyed hash
    (HMAC-SHA256 under AUDIT_HMAC_KEY, which never lives in the database) of its own
    content and of the previous row's hash, so a changed, removed or re-chained row breaks
    the chain; signed checkpoints written outside the database catch removed newest rows
    (`manage.py verify_audit_chain`). A trigger refuses UPDATE and DELETE (PostgreSQL and
    SQLite). Personal data of registrants is never copied here: targets are named by type
    and id.
    """

    at = models.DateTimeField(db_index=True)
    actor_type = models.CharField(max_length=20, choices=ActorType.choices)
    actor_id = models.CharField(max_length=64, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)  # staff name/email at the time
    role = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    case_number = models.CharField(max_length=100, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    scheme = models.PositiveSmallIntegerField(choices=Scheme.choices)
    # Fingerprint of the audit key that made `hash` (empty for unkeyed SHA-256 rows).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or self.actor_type} {self.action}"
