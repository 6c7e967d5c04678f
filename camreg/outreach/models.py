"""The outbox: every email the product sends is stored here first, then delivered."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What replaces a redacted subject and body.
ERASED = "[erased]"


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboxMessage(models.Model):
    """One email, rendered when queued, delivered by the worker (see services.deliver)."""

    registrant = models.ForeignKey(
        "registry.Registrant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    # The template key, e.g. "verify_email" (outreach/email/<template>.txt).
    template = models.CharField(max_length=100)
    language = models.CharField(max_length=10)
    to_address = models.EmailField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When a worker claimed the message; a claim older than the stale limit is requeued.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The Message-ID header, "<...@domain>", the same on every attempt.
    message_id = models.CharField(max_length=255, unique=True)
    # What this email is for, unique: queueing it again with the same key (a job that runs
    # twice, a retried request) finds the message already there instead of adding another.
    # Callers that may repeat give a key ("confirmation:41:annual"); otherwise it is
    # "message:" + the Message-ID.
    idempotency_key = models.CharField(max_length=200, unique=True)
    # Which worker run holds the claim while the message is "sending"
    # ("host:pid-namespace:pid:random"); empty otherwise.
    claimed_by = models.CharField(max_length=120, blank=True)
    # When it failed for good (refused by the mail server, or out of attempts).
    failed_at = models.DateTimeField(null=True, blank=True)
    # Erase the address and contents once sent (the goodbye email after leaving).
    redact_after_send = models.BooleanField(default=False)
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outreach_due_idx"),
            models.Index(fields=["status", "failed_at"], name="outreach_failed_idx"),
        ]

    def __str__(self) -> str:
        return f"Outbox message {self.pk}"


class EmailText(models.Model):
    """The agency's own wording of one email in one language, replacing the shipped template.

    `subject` and `body_text` are Django templates rendered with the same context as the
    shipped template (see outreach.email_texts); the HTML part is made from the text.
    Deleting the row restores the shipped default.
    """

    # The template key, e.g. "verify_email".
    template = models.CharField(max_length=100)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="one_email_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"Email text {self.template} ({self.language})"
