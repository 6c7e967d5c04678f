"""Changes on the registrant's behalf (a phone call, a letter) and staff notes.

Each function records its audit event in the same transaction as the change.
"""

from __future__ import annotations

from django.db import transaction

from camreg.audit import services as audit
from camreg.registry.models import Registrant, RegistrantNote, RegistrationStatus
from camreg.registry.services.common import (  # noqa: F401 - the names staff_edits had
    SITE_FIELDS,
    _row_changes,
    _snapshot,
    registration_changes,
)
from camreg.registry.services.portal import update_registration
from camreg.registry.services.registration import _cleanup_on_rollback


class NotEditable(Exception):
    """The registrant left the program: nothing is left to change or annotate."""


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
            registrant = update_registration(locked, contact, sites, confirms=False)
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
