"""Self-service: the management link, changes in the portal, leaving the program."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from camreg.audit import services as audit
from camreg.outreach import services as outreach
from camreg.registry import photos, signals
from camreg.registry.models import (
    ONE_PER_EMAIL_STATUSES,
    Camera,
    LeaveReason,
    Registrant,
    RegistrationStatus,
    Site,
    TokenPurpose,
    normalise_email,
)
from camreg.registry.services.common import (
    CONTACT_FIELDS,
    MANAGEABLE,
    _snapshot,
    logger,
    registration_changes,
)
from camreg.registry.services.lifecycle import CONFIRMABLE, record_confirmation
from camreg.registry.services.registration import (
    _apply_camera,
    _cleanup_on_rollback,
    _store_photo,
)
from camreg.registry.services.retention import _delete_photos_on_commit, _erase
from camreg.registry.services.tokens import TokenInvalid, _link, consume_token, issue_token


class EmailInUse(ValueError):
    """The new email address is another registration's (one person, one registration)."""

    def __init__(self):
        super().__init__(
            _(
                "Another registration uses this email address. Enter a different address, or "
                "keep the one you have."
            )
        )


def _check_email_free(registrant: Registrant, email: str) -> None:
    key = normalise_email(email)
    taken = (
        Registrant.objects.filter(email_key=key, status__in=ONE_PER_EMAIL_STATUSES)
        .exclude(pk=registrant.pk)
        .exists()
    )
    if key and taken:
        raise EmailInUse


def send_manage_link(email: str) -> bool:
    """Email a single-use management link if a registration with that address exists.

    Returns whether a link was sent; callers must not reveal it to the person asking.
    """
    key = normalise_email(email)
    registrant = (
        Registrant.objects.filter(email_key=key, status__in=MANAGEABLE).first() if key else None
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
                "link": _link("registry:manage-link", raw, registrant.language),
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
        audit.record("registration.portal_opened", actor=registrant, target=registrant)
    return registrant


def update_registration(
    registrant: Registrant, contact: dict, sites: list[dict], *, confirms: bool = True
) -> Registrant:
    """Replace the registrant's contact details, sites and cameras with the submitted ones.

    Sites and cameras carry their "id" when they already exist; ids that do not belong to
    this registrant are ignored (a new row is made instead). Existing rows left out are
    deleted, with their photos. Raises EmailInUse, changing nothing, when the new email
    address is another registration's (one person, one registration).

    The registrant's own save (`confirms`) confirms an active or lapsed registration is
    current: it restarts the year (lifecycle.record_confirmation, via "portal"). Staff edits
    on the registrant's behalf pass `confirms=False`.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
            # The registrant's own save is audited with them as the actor (staff edits are
            # audited by staff_edits, with the staff member and a reason).
            before = _snapshot(registrant) if confirms else None
            _check_email_free(registrant, contact["email"])
            for name in CONTACT_FIELDS:
                setattr(registrant, name, contact[name])
            try:
                with transaction.atomic():
                    registrant.save()
            except IntegrityError as error:  # taken a moment ago
                raise EmailInUse from error
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
            if before is not None:
                audit.record(
                    "registration.updated",
                    actor=registrant,
                    target=registrant,
                    details={"changed": registration_changes(before, _snapshot(registrant))},
                )
            if confirms and registrant.status in CONFIRMABLE:
                registrant = record_confirmation(registrant, via="portal")
    except Exception:
        _cleanup_on_rollback(stored)
        raise
    return registrant


def _erase_others_with_email(registrant: Registrant, key: str) -> None:
    """Erase the personal data of every other registration under this email (one person)."""
    if not key:
        return
    others = (
        Registrant.objects.select_for_update()
        .filter(email_key=key)
        .exclude(pk=registrant.pk)
        .exclude(status=RegistrationStatus.LEFT)
    )
    for other in others:
        _delete_photos_on_commit(other)
        outreach.forget_registrant(other, keep_unsent=False)
        _erase(other)
        other.erased_at = timezone.now()
        other.save()


def leave(registrant: Registrant, reason: str = LeaveReason.LEFT) -> Registrant:
    """Leave the program: erase personal data now, keep a tombstone, say goodbye.

    Names, email, phones, addresses, cameras and photos are erased; consent records keep
    the version and time but lose IP and browser. Earlier emails are redacted; the goodbye
    email is redacted as soon as it has been sent. Everything else under the same email
    goes too (a registration turned down and not yet erased).
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
        key = registrant.email_key
        _erase(registrant)
        registrant.status = RegistrationStatus.LEFT
        registrant.left_at = timezone.now()
        registrant.leave_reason = reason
        registrant.save()
        outreach.forget_registrant(registrant, keep_unsent=True)
        _erase_others_with_email(registrant, key)
        audit.record(
            "registration.left",
            actor=registrant,
            target=registrant,
            details={"leave_reason": reason},
        )
        logger.info("registrant %s left the program (outbox message %s)", registrant.pk, goodbye.pk)
    return registrant
