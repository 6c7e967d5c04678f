"""Every operation on registrants, sites, cameras, terms and consent.

Views, commands, tasks and (later) the API call these functions; they hold the rules.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from camreg import caching, tokens
from camreg.agency import services as agency_services
from camreg.agency.models import ConfirmMode
from camreg.audit import services as audit
from camreg.geo import normalize
from camreg.geo.geocoders import AddressQuery
from camreg.outreach import services as outreach

from . import photos, signals
from .models import (
    AccessToken,
    Camera,
    Consent,
    LeaveReason,
    Registrant,
    RegistrantNote,
    RegistrationStatus,
    Site,
    TermsText,
    TermsVersion,
    TokenPurpose,
)

logger = logging.getLogger(__name__)

CONTACT_FIELDS = (
    "kind",
    "business_name",
    "name",
    "email",
    "phone",
    "alternate_phone",
    "onsite_contact_name",
    "onsite_contact_phone",
    "preferred_contact",
    "contact_hours",
    "language",
)
CAMERA_FIELDS = (
    "label",
    "location_description",
    "direction",
    "field_of_view",
    "range_m",
    "coverage",
    "placement",
    "recording_mode",
    "retention_days",
    "system_type",
    "brand",
    "owner_can_export",
)
# States in which a registrant can ask for a management link and use the portal.
MANAGEABLE = (
    RegistrationStatus.PENDING_REVIEW,
    RegistrationStatus.ACTIVE,
    RegistrationStatus.LAPSED,
)


class TokenInvalid(Exception):
    """The link is unknown, used, expired, or for something else."""


@dataclass
class Client:
    """Where a request came from, for consent records."""

    ip: str | None = None
    user_agent: str = ""
    language: str = "en"


# Terms -------------------------------------------------------------------------------


TERMS_CACHE_KEY = "registry:terms:current:v1"
TERMS_CACHE_SECONDS = 300


def current_terms() -> TermsVersion | None:
    """The latest published terms version, with its texts (cached; read once per request)."""
    return caching.shared(TERMS_CACHE_KEY, _load_current_terms, TERMS_CACHE_SECONDS)


def _load_current_terms() -> TermsVersion | None:
    return (
        TermsVersion.objects.filter(published_at__isnull=False)
        .order_by("-number")
        .prefetch_related("texts")
        .first()
    )


def terms_text(version: TermsVersion | None, language: str) -> TermsText | None:
    if version is None:
        return None
    texts = {t.language: t for t in version.texts.all()}
    return texts.get(language) or texts.get(settings.LANGUAGE_CODE)


def needs_terms_acceptance(registrant: Registrant) -> bool:
    terms = current_terms()
    if terms is None:
        return False
    return not registrant.consents.filter(terms_version__number__gte=terms.number).exists()


def accept_terms(registrant: Registrant, client: Client) -> Consent:
    terms = current_terms()
    if terms is None:
        raise ValueError("No terms version is published.")
    return Consent.objects.create(
        registrant=registrant,
        terms_version=terms,
        accepted_at=timezone.now(),
        ip_address=client.ip,
        user_agent=client.user_agent[:500],
        language=client.language,
    )


class TermsError(ValueError):
    """A terms change that is not allowed (a published version, a missing language...)."""


def terms_draft() -> TermsVersion | None:
    """The version being prepared, if any (there is at most one)."""
    return (
        TermsVersion.objects.filter(published_at__isnull=True)
        .order_by("-number")
        .prefetch_related("texts")
        .first()
    )


def _check_terms_texts(texts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Title and body for every language in settings.LANGUAGES, trimmed; else TermsError."""
    cleaned: dict[str, dict[str, str]] = {}
    for code, _name in settings.LANGUAGES:
        entry = texts.get(code) or {}
        title = (entry.get("title") or "").strip()
        body = (entry.get("body") or "").strip()
        if not title or not body:
            raise TermsError(f"The terms need a title and a text in every language ({code}).")
        if len(title) > TermsText._meta.get_field("title").max_length:
            raise TermsError(f"The title ({code}) is too long.")
        cleaned[code] = {"title": title, "body": body.replace("\r\n", "\n")}
    return cleaned


def create_terms_draft(
    texts: dict[str, dict[str, str]], *, request=None, actor=None
) -> TermsVersion:
    """Start the next terms version as a draft: {language: {"title", "body"}}, audited.

    Only one draft exists at a time; registrants see nothing of it until it is published.
    """
    from camreg.audit import services as audit

    cleaned = _check_terms_texts(texts)
    with transaction.atomic():
        if TermsVersion.objects.select_for_update().filter(published_at__isnull=True).exists():
            raise TermsError("A draft exists already: edit it, publish it or discard it first.")
        last = TermsVersion.objects.order_by("-number").values_list("number", flat=True).first()
        version = TermsVersion.objects.create(number=(last or 0) + 1)
        TermsText.objects.bulk_create(
            TermsText(terms_version=version, language=code, **text)
            for code, text in cleaned.items()
        )
        audit.record(
            "terms.draft_created",
            actor=actor,
            request=request,
            target=version,
            details={"number": version.number, "languages": sorted(cleaned)},
        )
    return version


def update_draft(
    version: TermsVersion, texts: dict[str, dict[str, str]], *, request=None, actor=None
) -> list[str]:
    """Change a draft's texts; the changed fields ("es.body", ...), audited when any."""
    from camreg.audit import services as audit

    cleaned = _check_terms_texts(texts)
    with transaction.atomic():
        version = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise TermsError("A published terms version cannot be changed.")
        existing = {t.language: t for t in version.texts.all()}
        changed: list[str] = []
        for code, text in cleaned.items():
            row = existing.get(code) or TermsText(terms_version=version, language=code)
            fields = [name for name in ("title", "body") if getattr(row, name) != text[name]]
            if row.pk is None or fields:
                row.title, row.body = text["title"], text["body"]
                row.save()
                changed.extend(f"{code}.{name}" for name in (fields or ["title", "body"]))
        if changed:
            audit.record(
                "terms.draft_updated",
                actor=actor,
                request=request,
                target=version,
                details={"number": version.number, "changed": changed},
            )
    return changed


def discard_draft(version: TermsVersion, *, request=None, actor=None) -> None:
    """Delete a draft that will not be published, audited."""
    from camreg.audit import services as audit

    with transaction.atomic():
        version = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise TermsError("A published terms version cannot be discarded.")
        audit.record(
            "terms.draft_discarded",
            actor=actor,
            request=request,
            target=version,
            details={"number": version.number},
        )
        version.delete()


def publish_terms(version: TermsVersion, *, request=None, actor=None) -> TermsVersion:
    """Publish a draft: it becomes the current terms, and every active registrant is asked
    to accept it at their next visit (needs_terms_acceptance). Audited."""
    from camreg.audit import services as audit

    with transaction.atomic():
        version = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise TermsError("This terms version is published already.")
        texts = {t.language: {"title": t.title, "body": t.body} for t in version.texts.all()}
        _check_terms_texts(texts)
        latest = (
            TermsVersion.objects.filter(published_at__isnull=False)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        if latest is not None and version.number <= latest:
            highest = TermsVersion.objects.order_by("-number").values_list("number", flat=True)
            version.number = (highest.first() or 0) + 1
        version.published_at = timezone.now()
        version.save(update_fields=["number", "published_at"])
        caching.forget(TERMS_CACHE_KEY)
        audit.record(
            "terms.published",
            actor=actor,
            request=request,
            target=version,
            details={
                "number": version.number,
                "languages": sorted(texts),
                "active_registrants": Registrant.objects.filter(
                    status=RegistrationStatus.ACTIVE
                ).count(),
            },
        )
    return version


# Locating sites ------------------------------------------------------------------------


class SiteLocationError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def locate_site(site: dict) -> tuple[float, float, str]:
    """Where a site is: the registrant's pin if they placed it, else the geocoder's answer.

    Raises SiteLocationError when the address cannot be found (the registrant places the
    pin or types coordinates) or lies outside the agency's jurisdiction.
    """
    lat, lon = site.get("latitude"), site.get("longitude")
    if site.get("pin_placed") and lat is not None and lon is not None:
        source = "pin"
    else:
        result = agency_services.geocode(
            AddressQuery(
                street_line=site["street"],
                city=site["city"],
                postcode=site["postcode"],
                unit=site.get("unit") or "",
            )
        )
        if result is not None:
            lat, lon, source = result.latitude, result.longitude, result.source
        elif lat is not None and lon is not None:
            source = "pin"
        else:
            raise SiteLocationError(
                "street",
                _(
                    "We could not find this address on our map. Check the street, city and "
                    "ZIP code, or place the pin on the map (or enter the latitude and "
                    "longitude below)."
                ),
            )
    agency = agency_services.current()
    if not agency_services.contains(lat, lon, agency):
        raise SiteLocationError(
            "street",
            _(
                "This address is outside %(area)s, so the %(agency)s cannot register it. "
                "Please contact the police department or sheriff's office that serves this "
                "address; many run a similar program."
            )
            % {"area": agency.jurisdiction_name, "agency": agency.name},
        )
    return lat, lon, source


# Tokens ------------------------------------------------------------------------------


def issue_token(registrant: Registrant, purpose: str, lifetime: timedelta) -> str:
    """A new single-use link secret; the registrant's earlier unused links for the same
    purpose stop working (the revocation rule, camreg.tokens)."""
    _token, raw = tokens.issue(
        AccessToken,
        purpose=purpose,
        lifetime=lifetime,
        revoke_earlier_for="registrant",
        registrant=registrant,
    )
    return raw


def peek_token(raw: str, purpose: str) -> AccessToken:
    """The token, if it could still be used; does not use it up."""
    token = tokens.find_usable(
        AccessToken.objects.select_related("registrant"), raw, purpose=purpose
    )
    if token is None:
        raise TokenInvalid
    return token


def consume_token(raw: str, purpose: str) -> Registrant:
    """Use a single-use token; raise TokenInvalid if it cannot be used."""
    token = peek_token(raw, purpose)
    if not tokens.use(token):  # someone else used it a moment ago
        raise TokenInvalid
    return token.registrant


def _link(name: str, raw: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": raw})


# Registration --------------------------------------------------------------------------


@dataclass
class PreparedCamera:
    data: dict
    photo_jpeg: bytes | None = None


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


def register(contact: dict, sites: list[dict], client: Client) -> Registrant:
    """Store a new registration (unverified) and send the verification email.

    `sites` are cleaned site dicts with "latitude", "longitude", "location_source" set by
    locate_site and "cameras": a list of cleaned camera dicts with optional "photo_jpeg".
    All or nothing: one transaction; photos written first are removed if it fails.
    """
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
        context={"name": registrant.name, "link": _link("registry:verify", raw), "hours": hours},
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
        if agency_services.current().confirm_mode == ConfirmMode.AUTOMATIC:
            registrant = confirm_registration(registrant)
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
                "manage_url": settings.SITE_URL + reverse("registry:manage-request"),
                "sites": [{"address_line": s.address_line} for s in sites],
                "camera_count": Camera.objects.filter(site__registrant=registrant).count(),
            },
            language=registrant.language,
            registrant=registrant,
        )
    return registrant


# Self-service ------------------------------------------------------------------------


def send_manage_link(email: str) -> bool:
    """Email a single-use management link if a registration with that address exists.

    Returns whether a link was sent; callers must not reveal it to the person asking.
    """
    registrant = (
        Registrant.objects.filter(email=email.strip().lower(), status__in=MANAGEABLE)
        .order_by("-created_at")
        .first()
    )
    if registrant is None:
        return False
    minutes = settings.MAGIC_LINK_MINUTES
    with transaction.atomic():
        raw = issue_token(registrant, TokenPurpose.MANAGE, timedelta(minutes=minutes))
        outreach.queue_email(
            to=registrant.email,
            template="manage_link",
            context={
                "name": registrant.name,
                "link": _link("registry:manage-link", raw),
                "minutes": minutes,
            },
            language=registrant.language,
            registrant=registrant,
        )
    return True


def open_portal(raw: str) -> Registrant:
    """Use a management link; the caller starts a portal session for the registrant."""
    with transaction.atomic():
        registrant = consume_token(raw, TokenPurpose.MANAGE)
        if registrant.status not in MANAGEABLE:
            raise TokenInvalid
    return registrant


def update_registration(registrant: Registrant, contact: dict, sites: list[dict]) -> Registrant:
    """Replace the registrant's contact details, sites and cameras with the submitted ones.

    Sites and cameras carry their "id" when they already exist; ids that do not belong to
    this registrant are ignored (a new row is made instead). Existing rows left out are
    deleted, with their photos.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
            for name in CONTACT_FIELDS:
                setattr(registrant, name, contact[name])
            registrant.save()
            existing_sites = {s.pk: s for s in registrant.sites.all()}
            existing_cameras = {c.pk: c for c in Camera.objects.filter(site__registrant=registrant)}
            kept_sites: set[int] = set()
            kept_cameras: set[int] = set()
            for site_data in sites:
                site = existing_sites.get(site_data.get("id")) or Site(registrant=registrant)
                for name in ("label", "street", "unit", "city", "postcode"):
                    setattr(site, name, site_data.get(name) or "")
                site.latitude = site_data["latitude"]
                site.longitude = site_data["longitude"]
                site.location_source = site_data["location_source"]
                site.save()
                kept_sites.add(site.pk)
                for camera_data in site_data["cameras"]:
                    camera = existing_cameras.get(camera_data.get("id")) or Camera()
                    camera.site = site
                    _apply_camera(camera, camera_data)
                    if camera_data.get("remove_photo") and camera.photo:
                        old = camera.photo
                        camera.photo = ""
                        transaction.on_commit(lambda old=old: photos.delete(old))
                    _store_photo(camera, camera_data.get("photo_jpeg"), stored)
                    camera.save()
                    kept_cameras.add(camera.pk)
            gone = [c for pk, c in existing_cameras.items() if pk not in kept_cameras]
            for camera in gone:
                if camera.photo:
                    transaction.on_commit(lambda name=camera.photo: photos.delete(name))
            Camera.objects.filter(pk__in=[c.pk for c in gone]).delete()
            registrant.sites.exclude(pk__in=kept_sites).delete()
            signals.sites_changed.send(Registrant, registrant=registrant, new_sites=None)
    except Exception:
        _cleanup_on_rollback(stored)
        raise
    return registrant


def _delete_photos_on_commit(registrant: Registrant) -> None:
    """Delete the files of the registrant's camera photos once the transaction commits.

    Call it before the cameras are deleted (it reads their photo names).
    """
    names = list(
        Camera.objects.filter(site__registrant=registrant)
        .exclude(photo="")
        .values_list("photo", flat=True)
    )
    if names:
        transaction.on_commit(lambda: [photos.delete(name) for name in names])


def remove_all_sites(registrant: Registrant) -> None:
    """'I moved' within the area: the old addresses and cameras go; new ones follow."""
    with transaction.atomic():
        _delete_photos_on_commit(registrant)
        registrant.sites.all().delete()
        signals.sites_changed.send(Registrant, registrant=registrant, new_sites=None)


def leave(registrant: Registrant, reason: str = LeaveReason.LEFT) -> Registrant:
    """Leave the program: erase personal data now, keep a tombstone, say goodbye.

    Names, email, phones, addresses, cameras and photos are erased; consent records keep
    the version and time but lose IP and browser. Earlier emails are redacted; the goodbye
    email is redacted as soon as it has been sent.
    """
    if reason not in LeaveReason.values:
        reason = LeaveReason.LEFT
    with transaction.atomic():
        registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
        if registrant.status == RegistrationStatus.LEFT:
            return registrant
        email, name, language = registrant.email, registrant.name, registrant.language
        _delete_photos_on_commit(registrant)
        outreach.forget_registrant(registrant, keep_unsent=False)
        goodbye = outreach.queue_email(
            to=email,
            template="goodbye",
            context={"name": name},
            language=language,
            registrant=registrant,
        )
        _erase(registrant)
        registrant.status = RegistrationStatus.LEFT
        registrant.left_at = timezone.now()
        registrant.leave_reason = reason
        registrant.save()
        outreach.forget_registrant(registrant, keep_unsent=True)
        logger.info("registrant %s left the program (outbox message %s)", registrant.pk, goodbye.pk)
    return registrant


def _erase(registrant: Registrant) -> None:
    for name in (
        "business_name",
        "name",
        "email",
        "phone",
        "alternate_phone",
        "onsite_contact_name",
        "onsite_contact_phone",
        "contact_hours",
    ):
        setattr(registrant, name, "")
    registrant.sites.all().delete()
    registrant.tokens.all().delete()
    registrant.notes.all().delete()
    registrant.consents.update(ip_address=None, user_agent="")
    signals.registrant_erased.send(Registrant, registrant=registrant)


def erase_rejected(now=None) -> int:
    """Erase the personal data of registrations turned down REJECTED_ERASE_DAYS ago or more.

    A rejected registration has no use in the program; it is kept only long enough for the
    person to ask about the decision. What remains is a record like a leaver's: status,
    dates, the reason, consent versions; and an audit entry for each erasure.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REJECTED_ERASE_DAYS)
    due = Registrant.objects.filter(
        status=RegistrationStatus.REJECTED, erased_at__isnull=True, rejected_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due.iterator()):
        with transaction.atomic():
            registrant = (
                Registrant.objects.select_for_update()
                .filter(pk=pk, status=RegistrationStatus.REJECTED, erased_at__isnull=True)
                .first()
            )
            if registrant is None:
                continue
            _delete_photos_on_commit(registrant)
            outreach.forget_registrant(registrant, keep_unsent=False)
            _erase(registrant)
            registrant.erased_at = now
            registrant.save()
            audit.record(
                "registration.rejected_erased",
                target=registrant,
                details={
                    "days": settings.REJECTED_ERASE_DAYS,
                    "rejected_at": registrant.rejected_at.isoformat(),
                },
            )
            count += 1
    if count:
        logger.info("erased %d rejected registrations", count)
    return count


def purge_unverified(now=None) -> int:
    """Delete registrations whose email was never verified within the purge period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.UNVERIFIED_PURGE_DAYS)
    count = 0
    stale = Registrant.objects.filter(
        status=RegistrationStatus.UNVERIFIED, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in list(stale.iterator()):
        with transaction.atomic():
            registrant = (
                Registrant.objects.select_for_update()
                .filter(pk=pk, status=RegistrationStatus.UNVERIFIED)
                .first()
            )
            if registrant is None:
                continue
            _delete_photos_on_commit(registrant)
            outreach.forget_registrant(registrant, keep_unsent=False)
            registrant.delete()
            count += 1
    if count:
        logger.info("purged %d unverified registrations", count)
    return count


# Staff review and changes on a registrant's behalf -------------------------------------
# Each function records its audit event in the same transaction as the change.


class NotPending(Exception):
    """The registration is no longer waiting for review (someone may have acted on it)."""


class NotEditable(Exception):
    """The registrant left the program: nothing is left to change or annotate."""


def _pending_for_update(registrant: Registrant) -> Registrant:
    locked = Registrant.objects.select_for_update().get(pk=registrant.pk)
    if locked.status != RegistrationStatus.PENDING_REVIEW:
        raise NotPending(f"Registrant {locked.pk} is {locked.status}, not pending review.")
    return locked


def confirm_reviewed(registrant: Registrant, *, actor, request=None) -> Registrant:
    """A staff member confirms a registration waiting for review.

    The registration becomes active and the confirmation email goes through the outbox.
    Raises NotPending if it is no longer waiting for review.
    """
    with transaction.atomic():
        _pending_for_update(registrant)
        registrant = confirm_registration(registrant)
        audit.record("registration.confirmed", actor=actor, request=request, target=registrant)
    return registrant


@dataclass
class BulkConfirmResult:
    confirmed: list[int]
    skipped: list[int]  # not found, or no longer waiting for review


def bulk_confirm(registrant_ids, *, actor, request=None) -> BulkConfirmResult:
    """Confirm several registrations waiting for review, all in one transaction.

    Ids that are unknown or no longer pending are skipped and reported; any other
    failure confirms none of them.
    """
    wanted = sorted({int(pk) for pk in registrant_ids})
    confirmed: list[int] = []
    with transaction.atomic():
        # Lock in id order so that two bulk confirmations cannot deadlock.
        pending = list(
            Registrant.objects.select_for_update()
            .filter(pk__in=wanted, status=RegistrationStatus.PENDING_REVIEW)
            .order_by("pk")
        )
        for registrant in pending:
            confirm_registration(registrant)
            audit.record(
                "registration.confirmed",
                actor=actor,
                request=request,
                target=registrant,
                details={"bulk": True, "batch_size": len(pending)},
            )
            confirmed.append(registrant.pk)
    return BulkConfirmResult(confirmed, [pk for pk in wanted if pk not in confirmed])


def reject_registration(
    registrant: Registrant, *, reason: str, notify: bool = True, actor, request=None
) -> Registrant:
    """Turn down a registration waiting for review, with a reason.

    With `notify` the registrant gets the reason by email in their language; without it
    (obvious spam) nothing is sent. Raises NotPending if it is no longer waiting for review.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    with transaction.atomic():
        registrant = _pending_for_update(registrant)
        registrant.status = RegistrationStatus.REJECTED
        registrant.rejection_reason = reason
        registrant.rejected_at = timezone.now()
        registrant.save(update_fields=["status", "rejection_reason", "rejected_at", "updated_at"])
        if notify:
            outreach.queue_email(
                to=registrant.email,
                template="registration_rejected",
                context={"name": registrant.name, "reason": reason},
                language=registrant.language,
                registrant=registrant,
            )
        audit.record(
            "registration.rejected",
            actor=actor,
            request=request,
            target=registrant,
            reason=reason,
            details={"notified": bool(notify)},
        )
    return registrant


# Duplicate hints: the same address, email or phone as another registrant.


@dataclass(frozen=True)
class DuplicateHint:
    kind: str  # "address", "email" or "phone"
    other_id: int
    other_status: str

    @property
    def other_status_label(self) -> str:
        return str(RegistrationStatus(self.other_status).label)


def address_key(street: str, postcode: str) -> tuple[str, str, str] | None:
    """House number, street and ZIP code spelled one way: how two sites are compared."""
    number, name, _unit = normalize.split_street_line(street or "")
    street_key = normalize.normalize_street(name)
    if not street_key:
        return None
    return normalize.normalize_number(number), street_key, normalize.normalize_postcode(postcode)


def duplicate_hints_for(registrants) -> dict[int, list[DuplicateHint]]:
    """For each registrant, other registrants (not tombstones) sharing an address, email or
    phone. A handful of queries whatever the number of registrants asked about."""
    registrants = list(registrants)
    hints: dict[int, set[DuplicateHint]] = {r.pk: set() for r in registrants}
    if not registrants:
        return {}
    others = Registrant.objects.exclude(status=RegistrationStatus.LEFT)

    emails = {r.email for r in registrants if r.email}
    if emails:
        matches = others.filter(email__in=emails).values_list("pk", "email", "status")
        for other_id, email, status in matches:
            for r in registrants:
                if r.email == email and r.pk != other_id:
                    hints[r.pk].add(DuplicateHint("email", other_id, status))

    phones = {p for r in registrants for p in (r.phone, r.alternate_phone) if p}
    if phones:
        matches = others.filter(Q(phone__in=phones) | Q(alternate_phone__in=phones)).values_list(
            "pk", "phone", "alternate_phone", "status"
        )
        for other_id, phone, alternate, status in matches:
            theirs = {phone, alternate} - {""}
            for r in registrants:
                if r.pk != other_id and theirs & ({r.phone, r.alternate_phone} - {""}):
                    hints[r.pk].add(DuplicateHint("phone", other_id, status))

    keys: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    wanted = Q()
    for registrant_id, street, postcode in Site.objects.filter(
        registrant__in=[r.pk for r in registrants]
    ).values_list("registrant_id", "street", "postcode"):
        key = address_key(street, postcode)
        if key is None:
            continue
        keys[registrant_id].add(key)
        number = normalize.split_street_line(street)[0]
        wanted |= Q(postcode__startswith=key[2], street__istartswith=number)
    if keys:
        candidates = (
            Site.objects.filter(wanted)
            .exclude(registrant__status=RegistrationStatus.LEFT)
            .values_list("registrant_id", "registrant__status", "street", "postcode")
        )
        for other_id, status, street, postcode in candidates:
            key = address_key(street, postcode)
            for registrant_id, own in keys.items():
                if registrant_id != other_id and key in own:
                    hints[registrant_id].add(DuplicateHint("address", other_id, status))

    order = {"address": 0, "email": 1, "phone": 2}
    return {
        pk: sorted(found, key=lambda h: (order[h.kind], h.other_id)) for pk, found in hints.items()
    }


def duplicate_hints(registrant: Registrant) -> list[DuplicateHint]:
    return duplicate_hints_for([registrant])[registrant.pk]


# Changes on the registrant's behalf (a phone call, a letter) and staff notes.

SITE_FIELDS = ("label", "street", "unit", "city", "postcode", "latitude", "longitude")


def _snapshot(registrant: Registrant) -> dict:
    return {
        "contact": {name: getattr(registrant, name) for name in CONTACT_FIELDS},
        "sites": {
            row["id"]: row
            for row in Site.objects.filter(registrant=registrant).values("id", *SITE_FIELDS)
        },
        "cameras": {
            row["id"]: row
            for row in Camera.objects.filter(site__registrant=registrant).values(
                "id", "site_id", "photo", *CAMERA_FIELDS
            )
        },
    }


def _row_changes(before: dict, after: dict, fields) -> dict:
    changed = {
        str(pk): [name for name in fields if before[pk][name] != after[pk][name]]
        for pk in sorted(before.keys() & after.keys())
    }
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": {pk: names for pk, names in changed.items() if names},
    }


def registration_changes(before: dict, after: dict) -> dict:
    """What changed between two snapshots: field names and row ids, never values."""
    return {
        "contact": [n for n in CONTACT_FIELDS if before["contact"][n] != after["contact"][n]],
        "sites": _row_changes(before["sites"], after["sites"], SITE_FIELDS),
        "cameras": _row_changes(
            before["cameras"], after["cameras"], ("site_id", "photo", *CAMERA_FIELDS)
        ),
    }


def update_registration_for(
    registrant: Registrant, contact: dict, sites: list[dict], *, reason: str, actor, request=None
) -> tuple[Registrant, dict]:
    """A staff member changes a registration on the registrant's behalf, with a reason.

    Same rules as the registrant's own update (`update_registration`); the audit event
    keeps the written reason and what changed (field names and row ids, not values).
    Returns the registrant and those changes.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A change on the registrant's behalf needs a written reason.")
    before_photos: set[str] = set()
    after_photos: set[str] = set()
    try:
        with transaction.atomic():
            locked = Registrant.objects.select_for_update().get(pk=registrant.pk)
            if locked.status == RegistrationStatus.LEFT:
                raise NotEditable(f"Registrant {locked.pk} left the program.")
            before = _snapshot(locked)
            before_photos = {c["photo"] for c in before["cameras"].values() if c["photo"]}
            registrant = update_registration(locked, contact, sites)
            after = _snapshot(registrant)
            after_photos = {c["photo"] for c in after["cameras"].values() if c["photo"]}
            changes = registration_changes(before, after)
            audit.record(
                "registrant.edited",
                actor=actor,
                request=request,
                target=registrant,
                reason=reason,
                details={"changed": changes},
            )
    except Exception:
        _cleanup_on_rollback(sorted(after_photos - before_photos))
        raise
    return registrant, changes


def add_note(registrant: Registrant, *, author, body: str, request=None) -> RegistrantNote:
    """Append a staff note to a registrant's log."""
    body = (body or "").strip()
    if not body:
        raise ValueError("A note needs some text.")
    with transaction.atomic():
        locked = Registrant.objects.select_for_update().get(pk=registrant.pk)
        if locked.status == RegistrationStatus.LEFT:
            raise NotEditable(f"Registrant {locked.pk} left the program.")
        note = RegistrantNote.objects.create(
            registrant=locked,
            author=author,
            author_name=(author.full_name or author.email)[:200],
            body=body,
        )
        audit.record(
            "registrant.note_added",
            actor=author,
            request=request,
            target=locked,
            details={"note_id": note.pk},
        )
    return note
