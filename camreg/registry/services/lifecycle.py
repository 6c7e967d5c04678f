"""A registration's life after it was confirmed: confirmed again (which restarts its year),
lapsed when nobody confirmed it, purged when it stayed lapsed.

The yearly cycle itself (when each registration is due, the emails, the reminders) belongs
to camreg.confirmation, above the registry; it calls these functions to change a
registrant's status, and hears of every confirmation through
`signals.registration_confirmed`, which these functions (and the portal and staff review)
send inside the transaction of the change. Each change is audited in that transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from camreg.audit import services as audit
from camreg.outreach import services as outreach
from camreg.registry import signals
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.registry.services.retention import _delete_photos_on_commit, _erase

# Registrations whose data a confirmation can keep current: a lapsed one comes back.
CONFIRMABLE = (RegistrationStatus.ACTIVE, RegistrationStatus.LAPSED)
VIA = signals.CONFIRMED_VIA


class NotConfirmable(Exception):
    """The registration is not active or lapsed (waiting for review, left, erased)."""


def announce_confirmation(registrant: Registrant, *, via: str, actor=None, reason: str = ""):
    """Tell the apps above that `registrant` confirmed their registration (see signals)."""
    if via not in VIA:
        raise ValueError(f"Unknown confirmation channel {via!r}.")
    signals.registration_confirmed.send(
        Registrant, registrant=registrant, via=via, actor=actor, reason=reason
    )


def record_confirmation(
    registrant: Registrant, *, via: str, actor=None, reason: str = "", request=None
) -> Registrant:
    """The registrant (or staff for them, `via="staff"`) confirmed the registration is current.

    An active registration stays active, a lapsed one becomes active again; `confirmed_at`
    becomes now, which restarts the year. Audited ("registration.reconfirmed") and announced
    with `signals.registration_confirmed`. Raises NotConfirmable for any other status.
    """
    if via not in VIA or via == "review":
        raise ValueError(f"Unknown confirmation channel {via!r}.")
    with transaction.atomic():
        locked = Registrant.objects.select_for_update().get(pk=registrant.pk)
        if locked.status not in CONFIRMABLE or locked.erased_at is not None:
            raise NotConfirmable(f"Registrant {locked.pk} is {locked.status}.")
        was = locked.status
        locked.status = RegistrationStatus.ACTIVE
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at", "updated_at"])
        audit.record(
            "registration.reconfirmed",
            actor=actor if actor is not None else (locked if via != "staff" else None),
            request=request,
            target=locked,
            reason=reason,
            details={"via": via, "was": was},
        )
        announce_confirmation(locked, via=via, actor=actor, reason=reason)
    return locked


def confirm_for(registrant: Registrant, *, actor, reason: str, request=None) -> Registrant:
    """Staff confirm on the registrant's behalf (after a call or a letter), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A confirmation on the registrant's behalf needs a written reason.")
    return record_confirmation(registrant, via="staff", actor=actor, reason=reason, request=request)


def lapse(registrant: Registrant, *, details: dict | None = None) -> bool:
    """An active registration nobody confirmed in time becomes lapsed; False if it is not
    active any more (confirmed, left or lapsed meanwhile). Audited."""
    with transaction.atomic():
        locked = (
            Registrant.objects.select_for_update()
            .filter(pk=registrant.pk, status=RegistrationStatus.ACTIVE)
            .first()
        )
        if locked is None:
            return False
        # Saved, not updated: every status change saves the registrant, so what follows its
        # saves (the canvass index's camera rows, the map cells) hears of it.
        locked.status = RegistrationStatus.LAPSED
        locked.save(update_fields=["status", "updated_at"])
        registrant.status = RegistrationStatus.LAPSED
        audit.record("registration.lapsed", target=registrant, details=details or {})
    return True


def purge_lapsed(registrant: Registrant, *, details: dict | None = None) -> bool:
    """Erase the personal data of a registration that stayed lapsed, as when leaving.

    Names, email, phones, places, cameras, photos, notes and links go; earlier emails are
    redacted and unsent ones cancelled; the row stays as a record (status lapsed, erased_at
    set). False when it is not lapsed any more or already erased. Audited.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Registrant.objects.select_for_update()
            .filter(pk=registrant.pk, status=RegistrationStatus.LAPSED, erased_at__isnull=True)
            .first()
        )
        if locked is None:
            return False
        _delete_photos_on_commit(locked)
        outreach.forget_registrant(locked, keep_unsent=False)
        _erase(locked)
        locked.erased_at = now
        locked.save()
        audit.record("registration.lapsed_purged", target=locked, details=details or {})
    return True
