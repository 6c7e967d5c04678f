"""Registrants, their sites and cameras, terms versions and consents, access tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from camreg.tokens import Token


class RegistrantKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    BUSINESS = "business", _("Business")


class RegistrationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Email not verified yet")
    PENDING_REVIEW = "pending_review", _("Waiting for review")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Not accepted")
    LAPSED = "lapsed", _("Lapsed")
    LEFT = "left", _("Left the program")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")


class LeaveReason(models.TextChoices):
    LEFT = "left", _("Left the program")
    NO_SYSTEM = "no_system", _("No longer has a camera system")
    MOVED = "moved", _("Moved away")


# Registrations in these states hold the email address that identifies the registrant: at
# most one of them per address (the database enforces it). A rejected registration waits only
# for its erasure, so the person may register anew; a tombstone has no address.
ONE_PER_EMAIL_STATUSES = ("unverified", "pending_review", "active", "lapsed")


def normalise_email(email: str) -> str:
    """The email address spelled one way, as registrations are told apart: trimmed and in
    lower case ("Ana@Example.com " and "ana@example.com" are one person)."""
    return (email or "").strip().lower()


class Registrant(models.Model):
    """A resident or business taking part in the program.

    After leaving, the row stays as a tombstone: status, dates and reason, no personal data.
    One person, one registration: `email_key` (the normalised email, kept by save()) is
    unique among registrations in ONE_PER_EMAIL_STATUSES.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=RegistrantKind.choices)
    business_name = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True, db_index=True)
    # normalise_email(email), kept by save(): what the one-registration-per-email rule compares.
    email_key = models.CharField(max_length=254, blank=True, editable=False, default="")
    phone = models.CharField(max_length=20, blank=True)  # E.164
    alternate_phone = models.CharField(max_length=20, blank=True)  # E.164
    onsite_contact_name = models.CharField(max_length=200, blank=True)
    onsite_contact_phone = models.CharField(max_length=20, blank=True)  # E.164
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    contact_hours = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.UNVERIFIED,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    leave_reason = models.CharField(max_length=20, choices=LeaveReason.choices, blank=True)
    rejection_reason = models.TextField(blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    # When the personal data of a registration that was turned down was erased.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["email_key"],
                condition=~models.Q(email_key="") & models.Q(status__in=ONE_PER_EMAIL_STATUSES),
                name="one_registration_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Registrant {self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.email_key = normalise_email(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.business_name or self.name

    @property
    def is_business(self) -> bool:
        return self.kind == RegistrantKind.BUSINESS


class Site(models.Model):
    """A place where a registrant has cameras: an address and a map point."""

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="sites")
    label = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=200)
    unit = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, default="CA")
    postcode = models.CharField(max_length=10)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # How the point was found: a geocoder's name, or "pin" when the registrant placed it.
    location_source = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return f"Site {self.pk}"

    @property
    def address_line(self) -> str:
        parts = [self.street + (f" {self.unit}" if self.unit else ""), self.city]
        return ", ".join(parts) + f", {self.state} {self.postcode}"


class Coverage(models.TextChoices):
    STREET = "street", _("Street")
    SIDEWALK = "sidewalk", _("Sidewalk")
    DRIVEWAY = "driveway", _("Driveway")
    ALLEY = "alley", _("Alley")
    PARKING_LOT = "parking_lot", _("Parking lot")
    ENTRANCE = "entrance", _("Entrance")


class Placement(models.TextChoices):
    OUTDOOR = "outdoor", _("Outdoor")
    INDOOR = "indoor", _("Indoor")


class RecordingMode(models.TextChoices):
    CONTINUOUS = "continuous", _("Continuous")
    MOTION = "motion", _("Motion only")


class SystemType(models.TextChoices):
    DVR_NVR = "dvr_nvr", _("DVR or NVR recorder")
    CLOUD_DOORBELL = "cloud_doorbell", _("Video doorbell (cloud)")
    CLOUD_CAMERA = "cloud_camera", pgettext_lazy("system type", "Cloud camera")
    STANDALONE = "standalone", _("Standalone camera (memory card)")
    OTHER = "other", _("Other")


class Camera(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="cameras")
    label = models.CharField(max_length=100)
    location_description = models.CharField(max_length=200, blank=True)
    # Compass bearing the camera faces, degrees clockwise from north.
    direction = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(359)]
    )
    field_of_view = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    range_m = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    coverage = models.JSONField(default=list, blank=True)  # list of Coverage values
    placement = models.CharField(
        max_length=10, choices=Placement.choices, default=Placement.OUTDOOR
    )
    recording_mode = models.CharField(
        max_length=12, choices=RecordingMode.choices, default=RecordingMode.CONTINUOUS
    )
    retention_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(365)]
    )
    system_type = models.CharField(max_length=20, choices=SystemType.choices)
    brand = models.CharField(max_length=100, blank=True)
    owner_can_export = models.BooleanField(default=False)
    photo = models.CharField(
        max_length=255, blank=True
    )  # storage name of the re-encoded view photo
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Camera {self.pk}"


class TermsVersion(models.Model):
    """A version of the program's terms and conditions; texts per language."""

    number = models.PositiveIntegerField(unique=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Terms version {self.number}"


class TermsText(models.Model):
    terms_version = models.ForeignKey(TermsVersion, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    body = models.TextField()  # plain text; blank lines separate paragraphs

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["terms_version", "language"], name="one_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.terms_version} ({self.language})"


class Consent(models.Model):
    """A registrant's acceptance of one terms version."""

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="consents")
    terms_version = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="consents"
    )
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=10)

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"Consent {self.pk} to {self.terms_version}"


class PendingPhoto(models.Model):
    """A camera photo chosen on a form that is not saved yet ("add another camera" reloads the
    page): re-encoded at once, kept under a signed reference the form carries, and erased by
    the scheduled purge if the form is never saved (PENDING_PHOTO_HOURS)."""

    key = models.CharField(max_length=64, unique=True)
    photo = models.CharField(max_length=255)  # storage name of the re-encoded JPEG
    # The name of the file the person chose, shown beside the field ("kept: IMG_0042.jpg").
    original_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Pending photo {self.pk}"


class TokenPurpose(models.TextChoices):
    VERIFY_EMAIL = "verify_email", "Verify email"
    MANAGE = "manage", "Manage registration"


class AccessToken(Token):
    """A single-use link secret (verification, management). Only its SHA-256 hash is stored;
    see camreg.tokens."""

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=20, choices=TokenPurpose.choices)
    expires_at = models.DateTimeField()  # links always expire

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} token {self.pk}"


class RegistrantNote(models.Model):
    """A staff note on a registrant ("called about the driveway camera").

    Append-only: notes are added, never changed; they are erased with the registrant's
    personal data when the registrant leaves the program.
    """

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The author's name when the note was written (staff accounts may be renamed).
    author_name = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.registrant}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Registrant notes are append-only; add a new note instead.")
        super().save(*args, **kwargs)
