"""Retention: erasing personal data and deleting sites, cameras and their photos."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from camreg.audit import services as audit
from camreg.outreach import services as outreach
from camreg.registry import photos, signals
from camreg.registry.models import Camera, Registrant, RegistrationStatus
from camreg.registry.services.common import logger


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
