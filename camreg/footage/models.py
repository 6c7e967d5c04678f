"""Footage requests: asking registrants for their cameras' video of a case, and following up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from camreg.tokens import Token


class Status(models.TextChoices):
    DRAFT = "draft", _("Not sent")
    SENT = "sent", pgettext_lazy("footage request", "Sent")
    ANSWERED = "answered", pgettext_lazy("footage request", "Answered")
    FOOTAGE_RECEIVED = "footage_received", _("Footage received")
    CLOSED = "closed", pgettext_lazy("footage request", "Closed")
    EXPIRED = "expired", pgettext_lazy("footage request", "Expired")


# Requests a deputy still has to follow up.
OPEN_STATUSES = (Status.DRAFT, Status.SENT, Status.ANSWERED, Status.EXPIRED)


class Answer(models.TextChoices):
    WILL_PROVIDE = "will_provide", _("I will provide it")
    NO_FOOTAGE = "no_footage", _("I have no footage for that time")
    CANNOT_HELP = "cannot_help", _("I cannot help")


class FootageRequest(models.Model):
    """One registrant asked for the video of some of their cameras for one case.

    The registrant link is SET_NULL: the row outlives a registrant who leaves, without
    personal data (see services.forget_registrant). The requesting staff member's name and
    contact are kept as they were when the email went out.
    """

    case = models.ForeignKey(
        "canvass.Case", on_delete=models.PROTECT, related_name="footage_requests"
    )
    registrant = models.ForeignKey(
        "registry.Registrant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="footage_requests",
    )
    cameras = models.ManyToManyField(
        "registry.Camera", through="RequestedCamera", related_name="footage_requests"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="footage_requests"
    )
    requester_name = models.CharField(max_length=200)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_email = models.EmailField(blank=True)
    message = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    answer_note = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    footage_received_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)
    # The earliest moment one of the requested cameras overwrites the incident's video.
    overwrite_deadline = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = [models.F("overwrite_deadline").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return f"Footage request {self.pk}"


class RequestedCamera(models.Model):
    """A camera named in a request, with what the request needs even if the camera goes."""

    request = models.ForeignKey(
        FootageRequest, on_delete=models.CASCADE, related_name="requested_cameras"
    )
    camera = models.ForeignKey(
        "registry.Camera", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=100)
    retention_days = models.PositiveSmallIntegerField()
    overwrite_at = models.DateTimeField()

    class Meta:
        ordering = ["overwrite_at", "pk"]

    def __str__(self) -> str:
        return f"Camera {self.camera_id} in request {self.request_id}"


class LinkPurpose(models.TextChoices):
    """Which email carried the link: a request has one of each at most."""

    REQUEST = "request", "Request email"
    REMINDER = "reminder", "Reminder email"


class FootageLink(Token):
    """A private link to answer one request. Only the SHA-256 hash of its secret is stored;
    see camreg.tokens.

    A request may have two (the first email's and the reminder's, two purposes), with the
    same expiry; both stop working once the request is answered.
    """

    request = models.ForeignKey(FootageRequest, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    expires_at = models.DateTimeField()  # links always expire

    def __str__(self) -> str:
        return f"Link {self.pk} of request {self.request_id}"


class ContactKind(models.TextChoices):
    CALL = "call", "Phone call"
    VISIT = "visit", "Visit"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"


class ContactOutcome(models.TextChoices):
    REACHED = "reached", "Spoke with them"
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message or card"
    WILL_PROVIDE = "will_provide", "Will provide footage"
    NO_FOOTAGE = "no_footage", "Has no footage"
    DECLINED = "declined", "Declined"
    OTHER = "other", "Other"


class ContactAttempt(models.Model):
    """A call, visit, email or text to a registrant about a request (staff-facing, English)."""

    request = models.ForeignKey(
        FootageRequest, on_delete=models.CASCADE, related_name="contact_attempts"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="footage_contacts"
    )
    staff_name = models.CharField(max_length=200)
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Contact {self.pk} on request {self.request_id}"


class CallChannel(models.TextChoices):
    """How a call task reaches the owner: what they asked for when they registered."""

    CALL = "call", "Phone call"
    TEXT = "text", "Text message"


class TaskStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "No longer needed"


class CallTask(models.Model):
    """Calling or texting an owner who prefers that to email, for one request.

    Created with the request (services.calls); the deputy reads the owner's number and
    preferred times and a script in the owner's language (rendered when shown, from the
    request and the registrant as they are then), and logs each attempt's outcome. The
    task is done once an attempt reaches the owner; it is no longer needed once the owner
    answers online, the request is finished, or the owner leaves the program.
    """

    request = models.OneToOneField(
        FootageRequest, on_delete=models.CASCADE, related_name="call_task"
    )
    channel = models.CharField(max_length=10, choices=CallChannel.choices)
    status = models.CharField(
        max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Call task {self.pk} of request {self.request_id}"


class RenewalKind(models.TextChoices):
    RESENT = "resent", "Sent again with a new link"
    EXTENDED = "extended", "Link extended"


class RequestRenewal(models.Model):
    """A request sent again or its link extended by staff, usually after it expired."""

    request = models.ForeignKey(FootageRequest, on_delete=models.CASCADE, related_name="renewals")
    kind = models.CharField(max_length=10, choices=RenewalKind.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    staff_name = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    previous_status = models.CharField(max_length=20, choices=Status.choices)
    previous_expiry = models.DateTimeField(null=True, blank=True)
    new_expiry = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Renewal {self.pk} of request {self.request_id}"
