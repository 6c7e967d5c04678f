"""The yearly confirmation cycle of each registration, and its one-click links."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from camreg.tokens import Token


class ConfirmedVia(models.TextChoices):
    # registry.signals.CONFIRMED_VIA
    REVIEW = "review", "Registration confirmed"
    LINK = "link", "One-click link"
    PORTAL = "portal", "Saved in the portal"
    STAFF = "staff", "Staff, on the registrant's behalf"


class ClosedBecause(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    PURGED = "purged", "Purged"
    ERASED = "erased", "Left or erased"
    INACTIVE = "inactive", "No longer active"


class Cycle(models.Model):
    """One year of a registration: from a confirmation to the next one (or to its purge).

    A cycle is *open* until it closes (`closed_at`): confirmed (a new cycle starts the next
    year), purged, or ended because the registrant left. Each step is a time stamp, set once
    by a conditional UPDATE together with its email (queued with the idempotency key
    "confirmation:<cycle>:<step>"), so a step never happens twice.
    """

    registrant = models.ForeignKey(
        "registry.Registrant", on_delete=models.CASCADE, related_name="confirmation_cycles"
    )
    # When the year began (the confirmation before) and the day the registration is due,
    # in the agency's time zone.
    started_at = models.DateTimeField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)  # the annual email
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=10, choices=ConfirmedVia.choices, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    purge_notice_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_because = models.CharField(max_length=10, choices=ClosedBecause.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant"],
                condition=Q(closed_at__isnull=True),
                name="one_open_cycle_per_registrant",
            )
        ]
        indexes = [
            models.Index(fields=["closed_at", "due_on"], name="confirmation_open_due_idx"),
            models.Index(fields=["due_on"], name="confirmation_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Confirmation cycle {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LinkPurpose(models.TextChoices):
    """Which email a link came in: each email's link keeps working when the next one is sent
    (the token helper revokes earlier links of the same subject and purpose only)."""

    ANNUAL = "annual", "Annual email"
    REMINDER = "reminder", "Reminder"
    LAPSED = "lapsed", "Lapsed email"
    PURGE_NOTICE = "purge_notice", "Purge notice"


class ConfirmationLink(Token):
    """The one-click "everything is still correct" link of a cycle's emails (camreg.tokens).

    Used up by the confirmation; every other link of the cycle is revoked then.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="links")
    registrant = models.ForeignKey(
        "registry.Registrant", on_delete=models.CASCADE, related_name="confirmation_links"
    )
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    expires_at = models.DateTimeField()  # links always expire

    def __str__(self) -> str:
        return f"Confirmation link {self.pk}"
