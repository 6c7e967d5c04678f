"""Registration: storing a new registrant with sites and cameras, verifying the email
address and confirming the registration.

One person, one registration: the email address identifies the registrant. Registering again
with an address that a registration holds stores nothing and emails that person a link to
the registration they have (the database's `one_registration_per_email` constraint settles
concurrent submissions: the second insert fails and takes the same path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from camreg.agency import services as agency_services
from camreg.agency.models import ConfirmMode
from camreg.audit import services as audit
from camreg.outreach import services as outreach
from camreg.registry import photos, signals
from camreg.registry.models import (
    ONE_PER_EMAIL_STATUSES,
    AccessToken,
    Camera,
    Consent,
    Registrant,
    RegistrationStatus,
    Site,
    TokenPurpose,
    normalise_email,
)
from camreg.registry.services.common import CAMERA_FIELDS, CONTACT_FIELDS, Client, logger
from camreg.registry.services.terms import current_terms
from camreg.registry.services.tokens import _link, consume_token, issue_token

# A registrant who was sent a link this recently gets no other for registering again: the
# same form sent twice (a double click, a second tab) sends one email.
REPEAT_LINK_QUIET = timedelta(minutes=2)


@dataclass(frozen=True)
class Registration:
    """What became of a submitted registration: a new registrant, or (`new` False) the one
    that holds the email already, who was sent a link to it (or had just been sent one)."""

    registrant: Registrant
    new: bool


def _apply_camera(camera: Camera, data: dict) -> None:
    for name in CAMERA_FIELDS:
        setattr(camera, name, data[name])
    camera.coverage = sorted(set(data.get("coverage") or []))


def _store_photo(camera: Camera, jpeg: bytes | None, stored: list[str]) -> None:
    if jpeg is not None:
        old = camera.photo
        camera.photo = photos.store(jpeg)
        stored.append(camera.photo)
        if old:
            transaction.on_commit(lambda: photos.delete(old))


def _cleanup_on_rollback(stored: list[str]) -> None:
    for name in stored:
        try:
            photos.delete(name)
        except OSError:
            logger.warning("could not delete photo %s after a failed save", name)


def register(contact: dict, sites: list[dict], client: Client) -> Registration:
    """Store a new registration (unverified) and send the verification email; or, when a
    registration holds this email already, store nothing and email its registrant a link
    (registered_again). The caller shows the same page either way.

    `sites` are cleaned site dicts with "latitude", "longitude", "location_source" set by
    locate_site and "cameras": a list of cleaned camera dicts with optional "photo_jpeg".
    All or nothing: one transaction; photos written first are removed if it fails.
    """
    key = normalise_email(contact["email"])
    existing = holding_email(key)
    if existing is None:
        try:
            return Registration(_create(contact, sites, client), new=True)
        except IntegrityError:
            # Another submission with this email committed first (the unique constraint).
            existing = holding_email(key)
            if existing is None:
                raise
    return Registration(registered_again(existing), new=False)


def holding_email(email: str) -> Registrant | None:
    """The registration that holds this email address (at most one does), if any."""
    key = normalise_email(email)
    if not key:
        return None
    return Registrant.objects.filter(email_key=key, status__in=ONE_PER_EMAIL_STATUSES).first()


def registered_again(registrant: Registrant) -> Registrant:
    """Someone registered again with this registrant's email: email them, in their language,
    a link to manage the registration they have (a new verification link while it is
    unverified). Nothing when a link went out moments ago."""
    with transaction.atomic():
        registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
        recently = timezone.now() - REPEAT_LINK_QUIET
        if AccessToken.objects.filter(registrant=registrant, created_at__gte=recently).exists():
            return registrant
        audit.record(
            "registration.registered_again",
            target=registrant,
            details={
                "link_sent": "verification"
                if registrant.status == RegistrationStatus.UNVERIFIED
                else "manage"
            },
        )
        if registrant.status == RegistrationStatus.UNVERIFIED:
            _send_verification(registrant)
            return registrant
        minutes = settings.MAGIC_LINK_MINUTES
        raw = issue_token(registrant, TokenPurpose.MANAGE, timedelta(minutes=minutes))
        outreach.queue_email(
            to=registrant.email,
            template="registered_again",
            context={
                "name": registrant.name,
                "link": _link("registry:manage-link", raw, registrant.language),
                "minutes": minutes,
            },
            language=registrant.language,
            registrant=registrant,
        )
    return registrant


def _create(contact: dict, sites: list[dict], client: Client) -> Registrant:
    terms = current_terms()
    stored: list[str] = []
    try:
        with transaction.atomic():
            registrant = Registrant.objects.create(
                **{name: contact[name] for name in CONTACT_FIELDS},
                status=RegistrationStatus.UNVERIFIED,
            )
            _save_sites(registrant, sites, stored)
            if terms is not None:
                Consent.objects.create(
                    registrant=registrant,
                    terms_version=terms,
                    accepted_at=timezone.now(),
                    ip_address=client.ip,
                    user_agent=client.user_agent[:500],
                    language=client.language,
                )
            audit.record(
                "registration.submitted",
                actor=registrant,
                target=registrant,
                details={
                    "sites": len(sites),
                    "cameras": sum(len(site["cameras"]) for site in sites),
                    "terms_version": terms.pk if terms is not None else None,
                    "language": registrant.language,
                },
            )
            _send_verification(registrant)
    except Exception:
        _cleanup_on_rollback(stored)
        raise
    return registrant


def _save_sites(registrant: Registrant, sites: list[dict], stored: list[str]) -> None:
    """Create a new registrant's sites and cameras, and put the sites in the canvass index."""
    site_rows = [
        Site(
            registrant=registrant,
            label=site_data.get("label", ""),
            street=site_data["street"],
            unit=site_data.get("unit", ""),
            city=site_data["city"],
            postcode=site_data["postcode"],
            latitude=site_data["latitude"],
            longitude=site_data["longitude"],
            location_source=site_data["location_source"],
        )
        for site_data in sites
    ]
    Site.objects.bulk_create(site_rows)  # sets the primary keys (PostgreSQL, SQLite 3.35+)
    cameras: list[Camera] = []
    for site, site_data in zip(site_rows, sites, strict=True):
        for camera_data in site_data["cameras"]:
            camera = Camera(site=site)
            _apply_camera(camera, camera_data)
            _store_photo(camera, camera_data.get("photo_jpeg"), stored)
            cameras.append(camera)
    Camera.objects.bulk_create(cameras)
    signals.sites_changed.send(Registrant, registrant=registrant, new_sites=site_rows)


def _send_verification(registrant: Registrant) -> None:
    hours = settings.VERIFICATION_LINK_HOURS
    raw = issue_token(registrant, TokenPurpose.VERIFY_EMAIL, timedelta(hours=hours))
    outreach.queue_email(
        to=registrant.email,
        template="verify_email",
        context={
            "name": registrant.name,
            "link": _link("registry:verify", raw, registrant.language),
            "hours": hours,
        },
        language=registrant.language,
        registrant=registrant,
    )


def verify_email(raw: str) -> Registrant:
    """Follow a verification link: the registration goes to review, or is confirmed at once."""
    with transaction.atomic():
        registrant = consume_token(raw, TokenPurpose.VERIFY_EMAIL)
        registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
        if registrant.status != RegistrationStatus.UNVERIFIED:
            return registrant
        registrant.verified_at = timezone.now()
        registrant.status = RegistrationStatus.PENDING_REVIEW
        registrant.save(update_fields=["verified_at", "status", "updated_at"])
        automatic = agency_services.current().confirm_mode == ConfirmMode.AUTOMATIC
        audit.record(
            "registration.email_verified",
            actor=registrant,
            target=registrant,
            details={"confirmed_at_once": automatic},
        )
        if automatic:
            registrant = confirm_registration(registrant)
            audit.record("registration.confirmed", target=registrant, details={"automatic": True})
        else:
            outreach.queue_email(
                to=registrant.email,
                template="registration_received",
                context={"name": registrant.name},
                language=registrant.language,
                registrant=registrant,
            )
    return registrant


def confirm_registration(registrant: Registrant) -> Registrant:
    """Make a verified registration active and send the program's confirmation email."""
    with transaction.atomic():
        registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
        if registrant.status not in (
            RegistrationStatus.PENDING_REVIEW,
            RegistrationStatus.LAPSED,
            RegistrationStatus.ACTIVE,
        ):
            raise ValueError(f"A registration that is {registrant.status} cannot be confirmed.")
        registrant.status = RegistrationStatus.ACTIVE
        registrant.confirmed_at = timezone.now()
        registrant.save(update_fields=["status", "confirmed_at", "updated_at"])
        sites = list(registrant.sites.all())
        outreach.queue_email(
            to=registrant.email,
            template="registration_confirmed",
            context={
                "name": registrant.name,
                "manage_url": settings.SITE_URL
                + reverse("registry:manage-request")
                + f"?lang={registrant.language}",
                "sites": [{"address_line": s.address_line} for s in sites],
                "camera_count": Camera.objects.filter(site__registrant=registrant).count(),
            },
            language=registrant.language,
            registrant=registrant,
        )
        # The registration's first year starts now (camreg.confirmation hears of it).
        signals.registration_confirmed.send(
            Registrant, registrant=registrant, via="review", actor=None, reason=""
        )
    return registrant
