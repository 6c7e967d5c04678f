"""Planning a request: the selected cameras grouped by owner, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from camreg.accounts.roles import Permission, check
from camreg.canvass.models import Case
from camreg.footage.models import Answer, FootageRequest
from camreg.footage.services.common import FootageError
from camreg.registry.models import Camera, Registrant, RegistrationStatus

MAX_CAMERAS = 200


@dataclass
class OwnerGroup:
    """The selected cameras of one registrant, soonest overwritten first."""

    registrant: Registrant
    cameras: list[Camera]
    overwrite_at: dict[int, datetime]  # camera id -> when the incident's video is overwritten
    # Requests this owner already had for the same case, newest first: asking again warns.
    earlier: list[FootageRequest] = field(default_factory=list)

    @property
    def deadline(self) -> datetime | None:
        return min(self.overwrite_at.values()) if self.overwrite_at else None

    @property
    def has_email(self) -> bool:
        return bool(self.registrant.email)

    @property
    def said_no(self) -> bool:
        """An earlier request of this case was answered "no footage" or "cannot help"."""
        return any(r.answer in (Answer.NO_FOOTAGE, Answer.CANNOT_HELP) for r in self.earlier)


@dataclass
class Plan:
    groups: list[OwnerGroup] = field(default_factory=list)
    # Selected cameras that cannot be asked about: unknown, or registration not active.
    skipped: list[int] = field(default_factory=list)

    @property
    def repeats(self) -> list[OwnerGroup]:
        """Owners already asked on this case."""
        return [g for g in self.groups if g.earlier]


def _overwrite_at(case: Case, retention_days: int) -> datetime:
    return case.start + timedelta(days=retention_days)


def _camera_ids(camera_ids) -> list[int]:
    ids = []
    for value in camera_ids or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise FootageError("camera_invalid", "A selected camera is not valid.") from None
        if number not in ids:
            ids.append(number)
    return ids


def plan_requests(case: Case, camera_ids, *, actor) -> Plan:
    """The selected cameras grouped by owner (active registrations only), most urgent first."""
    check(actor, Permission.CANVASS)
    ids = _camera_ids(camera_ids)
    if not ids:
        raise FootageError("no_cameras", "Select at least one camera.")
    if len(ids) > MAX_CAMERAS:
        raise FootageError("too_many_cameras", f"Select at most {MAX_CAMERAS} cameras at once.")
    cameras = (
        Camera.objects.filter(pk__in=ids, site__registrant__status=RegistrationStatus.ACTIVE)
        .select_related("site", "site__registrant")
        .order_by("site__registrant_id", "pk")
    )
    groups: dict[int, OwnerGroup] = {}
    found = set()
    for camera in cameras:
        found.add(camera.pk)
        registrant = camera.site.registrant
        group = groups.setdefault(registrant.pk, OwnerGroup(registrant, [], {}))
        group.cameras.append(camera)
        group.overwrite_at[camera.pk] = _overwrite_at(case, camera.retention_days)
    ordered = sorted(groups.values(), key=lambda g: (g.deadline, g.registrant.pk))
    for group in ordered:
        group.cameras.sort(key=lambda c: (group.overwrite_at[c.pk], c.pk))
    earlier = (
        FootageRequest.objects.filter(case=case, registrant_id__in=list(groups))
        .prefetch_related("requested_cameras")
        .order_by("-created_at", "-pk")
    )
    for footage_request in earlier:
        groups[footage_request.registrant_id].earlier.append(footage_request)
    return Plan(groups=ordered, skipped=[i for i in ids if i not in found])
