"""The daily run of the yearly cycle, and what a confirmation or an erasure does to it.

`run()` (the daily task) goes through five steps, each a query for the cycles whose day has
come, then per chunk one transaction in which each cycle's step is taken by a conditional
UPDATE (`... WHERE sent_at IS NULL`) together with its email, queued with the idempotency key
"confirmation:<cycle>:<step>". A run that dies half-way, or two runs at once, therefore
never send an email twice nor skip one: the next run takes what is left.

1. annual email on the due date (what we hold, the one-click link, the portal link);
2. reminders CONFIRMATION_REMINDER_DAYS after it (a run that missed several sends the last);
3. lapse CONFIRMATION_LAPSE_DAYS after it: the registration becomes lapsed
   (registry.lapse) and is told so, with a link to come back;
4. the purge notice LAPSED_PURGE_NOTICE_DAYS before the purge;
5. the purge LAPSED_PURGE_MONTHS after the lapse (registry.purge_lapsed: erased as when
   leaving).

Any confirmation (registry.signals.registration_confirmed: the one-click link, a portal save,
staff on the registrant's behalf, staff review) closes the open cycle and starts the next
year (`on_confirmed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import formats, timezone, translation

from camreg import tokens
from camreg.audit import services as audit
from camreg.outreach import services as outreach
from camreg.registry import services as registry
from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site
from camreg.web import phones

from ..models import ClosedBecause, ConfirmationLink, Cycle, LinkPurpose
from .policy import Policy, agency_zone, end_of_day, local_date, start_of_day

logger = logging.getLogger("camreg.confirmation")

# Cycles handled per transaction.
CHUNK = 200
# The emails of the cycle: step -> (template, link purpose).
ANNUAL, LAPSED, PURGE_NOTICE = "annual", "lapsed", "purge_notice"
TEMPLATES = {
    ANNUAL: "annual_confirmation",
    "reminder": "confirmation_reminder",
    LAPSED: "registration_lapsed",
    PURGE_NOTICE: "purge_notice",
}


@dataclass
class RunCounts:
    started: int = 0  # cycles created for active registrations that had none
    annual: int = 0
    reminders: int = 0
    lapsed: int = 0
    purge_notices: int = 0
    purged: int = 0
    closed: int = 0  # open cycles of registrations no longer active or lapsed
    emails: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in (
                "started",
                "annual",
                "reminders",
                "lapsed",
                "purge_notices",
                "purged",
                "closed",
            )
        }


# The daily run ---------------------------------------------------------------------


def run(*, now: datetime | None = None) -> dict[str, int]:
    """Take every step whose day has come (see the module); return what was done."""
    now = now or timezone.now()
    policy = Policy.from_settings()
    zone = agency_zone()
    today = local_date(now, zone)
    counts = RunCounts()
    counts.started = ensure_cycles(now=now, policy=policy, zone=zone)
    counts.closed = close_inactive(now=now)
    _send_annual(today, now, policy, zone, counts)
    _send_reminders(today, now, policy, zone, counts)
    _lapse(today, now, policy, zone, counts)
    _send_purge_notices(today, now, policy, zone, counts)
    _purge(today, now, policy, zone, counts)
    summary = counts.as_dict()
    if any(summary.values()):
        with transaction.atomic():
            audit.record("confirmation.daily_run", details={"day": today.isoformat(), **summary})
            if counts.emails:
                outreach.wake_delivery()
        logger.info("Confirmation run of %s: %s", today, summary)
    return summary


def ensure_cycles(
    *, now: datetime, policy: Policy | None = None, zone: ZoneInfo | None = None
) -> int:
    """Open a cycle for every active registration without one (registered before this
    feature, or its cycle was closed): due a year after it was last confirmed."""
    policy = policy or Policy.from_settings()
    zone = zone or agency_zone()
    missing = (
        Registrant.objects.filter(status=RegistrationStatus.ACTIVE, erased_at__isnull=True)
        .exclude(Exists(Cycle.objects.filter(registrant=OuterRef("pk"), closed_at__isnull=True)))
        .values_list("pk", "confirmed_at", "verified_at", "created_at")
    )
    created = 0
    for chunk in _chunks(missing.iterator(chunk_size=2000), 1000):
        rows = []
        for pk, confirmed_at, verified_at, created_at in chunk:
            started = confirmed_at or verified_at or created_at
            rows.append(
                Cycle(
                    registrant_id=pk,
                    started_at=started,
                    due_on=policy.due_on(local_date(started, zone)),
                    created_at=now,
                )
            )
        # Two runs at once: the open-cycle constraint lets only one row per registrant in.
        created += len(Cycle.objects.bulk_create(rows, ignore_conflicts=True))
    return created


def close_inactive(*, now: datetime) -> int:
    """Close open cycles of registrations that are neither active nor lapsed any more."""
    return (
        Cycle.objects.filter(closed_at__isnull=True)
        .exclude(registrant__status__in=registry.CONFIRMABLE)
        .update(closed_at=now, closed_because=ClosedBecause.INACTIVE)
    )


def _send_annual(today: date, now, policy: Policy, zone, counts: RunCounts) -> None:
    due = Cycle.objects.filter(
        closed_at__isnull=True,
        sent_at__isnull=True,
        due_on__lte=today,
        registrant__status=RegistrationStatus.ACTIVE,
    )

    def step(cycle: Cycle) -> None:
        if not _take(cycle, {"sent_at__isnull": True}, sent_at=now):
            return
        respond_by = policy.lapses_on(local_date(now, zone))
        _email(
            cycle,
            ANNUAL,
            LinkPurpose.ANNUAL,
            respond_by=respond_by,
            link_expires_on=policy.purge_planned_on(respond_by),
            zone=zone,
            counts=counts,
        )
        counts.annual += 1

    _each(due, step, with_sites=True)


def _send_reminders(today: date, now, policy: Policy, zone, counts: RunCounts) -> None:
    if not policy.reminder_days:
        return
    waiting = Cycle.objects.filter(
        closed_at__isnull=True,
        sent_at__isnull=False,
        lapsed_at__isnull=True,
        reminders_sent__lt=len(policy.reminder_days),
        registrant__status=RegistrationStatus.ACTIVE,
        # Sent at least the first reminder's days ago, counted in the agency's days.
        sent_at__lt=start_of_day(today - timedelta(days=policy.reminder_days[0] - 1), zone),
    )

    def step(cycle: Cycle) -> None:
        sent_on = local_date(cycle.sent_at, zone)
        if today >= policy.lapses_on(sent_on):
            return  # the lapse comes instead
        # The newest reminder whose day has come (a run that missed days sends only that).
        due_number = max(
            (
                number
                for number in range(1, len(policy.reminder_days) + 1)
                if policy.reminder_on(sent_on, number) <= today
            ),
            default=0,
        )
        if due_number <= cycle.reminders_sent:
            return
        if not _take(
            cycle,
            {"reminders_sent": cycle.reminders_sent},
            reminders_sent=due_number,
            last_reminder_at=now,
        ):
            return
        _email(
            cycle,
            f"reminder{due_number}",
            LinkPurpose.REMINDER,
            template=TEMPLATES["reminder"],
            respond_by=policy.lapses_on(sent_on),
            link_expires_on=policy.purge_planned_on(policy.lapses_on(sent_on)),
            zone=zone,
            counts=counts,
        )
        counts.reminders += 1

    _each(waiting, step, with_sites=True)


def _lapse(today: date, now, policy: Policy, zone, counts: RunCounts) -> None:
    waiting = Cycle.objects.filter(
        closed_at__isnull=True,
        sent_at__isnull=False,
        lapsed_at__isnull=True,
        confirmed_at__isnull=True,
        registrant__status=RegistrationStatus.ACTIVE,
        # The annual email went out at least lapse_days ago, in the agency's days.
        sent_at__lt=start_of_day(today - timedelta(days=policy.lapse_days - 1), zone),
    )

    def step(cycle: Cycle) -> None:
        if not _take(cycle, {"lapsed_at__isnull": True}, lapsed_at=now):
            return
        if not registry.lapse(cycle.registrant, details={"cycle": cycle.pk}):
            raise _Undo  # not active any more (confirmed or left a moment ago)
        purge_on = policy.purge_planned_on(local_date(now, zone))
        _email(
            cycle,
            LAPSED,
            LinkPurpose.LAPSED,
            purge_on=purge_on,
            link_expires_on=purge_on,
            zone=zone,
            counts=counts,
        )
        counts.lapsed += 1

    _each(waiting, step, with_sites=False)


def _send_purge_notices(today: date, now, policy: Policy, zone, counts: RunCounts) -> None:
    waiting = Cycle.objects.filter(
        closed_at__isnull=True,
        lapsed_at__isnull=False,
        purge_notice_at__isnull=True,
        registrant__status=RegistrationStatus.LAPSED,
    )

    def step(cycle: Cycle) -> None:
        lapsed_on = local_date(cycle.lapsed_at, zone)
        if policy.purge_notice_on(lapsed_on) > today:
            return
        if not _take(cycle, {"purge_notice_at__isnull": True}, purge_notice_at=now):
            return
        purge_on = policy.purge_on(lapsed_on, local_date(now, zone))
        _email(
            cycle,
            PURGE_NOTICE,
            LinkPurpose.PURGE_NOTICE,
            purge_on=purge_on,
            link_expires_on=purge_on,
            zone=zone,
            counts=counts,
        )
        counts.purge_notices += 1

    _each(waiting, step, with_sites=False)


def _purge(today: date, now, policy: Policy, zone, counts: RunCounts) -> None:
    waiting = Cycle.objects.filter(
        closed_at__isnull=True,
        lapsed_at__isnull=False,
        purge_notice_at__isnull=False,
        purged_at__isnull=True,
        registrant__status=RegistrationStatus.LAPSED,
    )

    def step(cycle: Cycle) -> None:
        purge_on = policy.purge_on(
            local_date(cycle.lapsed_at, zone), local_date(cycle.purge_notice_at, zone)
        )
        if purge_on > today:
            return
        if not _take(
            cycle,
            {"purged_at__isnull": True},
            purged_at=now,
            closed_at=now,
            closed_because=ClosedBecause.PURGED,
        ):
            return
        if not registry.purge_lapsed(cycle.registrant, details={"cycle": cycle.pk}):
            raise _Undo
        counts.purged += 1

    _each(waiting, step, with_sites=False)


class _Undo(Exception):
    """Roll back one cycle's step (raised inside its savepoint)."""


# Confirmations and erasures (receivers) -------------------------------------------------


def on_confirmed(registrant: Registrant, *, via: str, now: datetime | None = None) -> Cycle:
    """Close the registrant's open cycle as confirmed and open the next year's."""
    now = now or timezone.now()
    policy = Policy.from_settings()
    with transaction.atomic():
        current = (
            Cycle.objects.select_for_update()
            .filter(registrant=registrant, closed_at__isnull=True)
            .first()
        )
        if current is not None:
            Cycle.objects.filter(pk=current.pk).update(
                confirmed_at=now,
                confirmed_via=via,
                closed_at=now,
                closed_because=ClosedBecause.CONFIRMED,
            )
            tokens.revoke(ConfirmationLink.objects.filter(cycle=current), now=now)
        return Cycle.objects.create(
            registrant=registrant,
            started_at=now,
            due_on=policy.due_on(local_date(now)),
            created_at=now,
        )


def on_erased(registrant: Registrant, *, now: datetime | None = None) -> None:
    """The registrant's personal data is being erased: links go, the open cycle closes."""
    now = now or timezone.now()
    ConfirmationLink.objects.filter(registrant=registrant).delete()
    Cycle.objects.filter(registrant=registrant, closed_at__isnull=True).exclude(
        purged_at__isnull=False
    ).update(closed_at=now, closed_because=ClosedBecause.ERASED)


# Helpers ---------------------------------------------------------------------------------


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _each(queryset, step: Callable[[Cycle], None], *, with_sites: bool) -> None:
    """Call `step` for each cycle of `queryset`: a transaction per chunk, a savepoint per
    cycle (a failure rolls back that cycle's step only, is logged, and the next run tries
    it again)."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(pks, CHUNK):
        with transaction.atomic():
            rows = Cycle.objects.filter(pk__in=chunk).select_related("registrant").order_by("pk")
            if with_sites:
                rows = rows.prefetch_related(
                    Prefetch(
                        "registrant__sites",
                        queryset=Site.objects.order_by("pk").prefetch_related(
                            Prefetch("cameras", queryset=Camera.objects.order_by("pk"))
                        ),
                    )
                )
            for cycle in rows:
                try:
                    with transaction.atomic():
                        step(cycle)
                except _Undo:
                    continue
                except Exception:
                    logger.exception("Confirmation cycle %s: step failed; next run", cycle.pk)


def _take(cycle: Cycle, condition: dict, **changes) -> bool:
    """Take one step of `cycle`: a conditional UPDATE; False when it was taken already."""
    taken = Cycle.objects.filter(pk=cycle.pk, closed_at__isnull=True, **condition).update(**changes)
    if taken:
        for name, value in changes.items():
            setattr(cycle, name, value)
    return bool(taken)


def _email(
    cycle: Cycle,
    step: str,
    purpose: str,
    *,
    template: str | None = None,
    link_expires_on: date,
    zone: ZoneInfo,
    counts: RunCounts,
    respond_by: date | None = None,
    purge_on: date | None = None,
) -> None:
    registrant = cycle.registrant
    if not registrant.email:
        return
    _row, secret = tokens.issue(
        ConfirmationLink,
        purpose=purpose,
        revoke_earlier_for="cycle",
        expires_at=end_of_day(link_expires_on, zone),
        cycle=cycle,
        registrant=registrant,
    )
    language = outreach.supported_language(registrant.language)
    context = email_context(registrant, secret, language=language)
    with translation.override(language):
        if respond_by is not None:
            context["respond_by"] = formats.date_format(respond_by, "DATE_FORMAT")
        if purge_on is not None:
            context["purge_on"] = formats.date_format(purge_on, "DATE_FORMAT")
    message = outreach.queue_email_to_registrant(
        registrant,
        template=template or TEMPLATES[step],
        context=context,
        idempotency_key=f"confirmation:{cycle.pk}:{step}",
        wake_worker=False,
    )
    counts.emails.append(message.pk)


def confirm_url(secret: str, language: str = "") -> str:
    url = settings.SITE_URL + reverse("confirmation:confirm", kwargs={"token": secret})
    return f"{url}?lang={language}" if language else url


def email_context(registrant: Registrant, secret: str, *, language: str) -> dict:
    """What the cycle's emails show: what we hold, the one-click link, the portal link."""
    sites = []
    camera_count = 0
    for site in registrant.sites.all():
        cameras = list(site.cameras.all())
        camera_count += len(cameras)
        sites.append(
            {
                "address_line": site.address_line,
                "camera_labels": ", ".join(camera.label for camera in cameras) or "—",
            }
        )
    return {
        "name": registrant.name,
        "confirm_link": confirm_url(secret, language),
        "manage_url": settings.SITE_URL + reverse("registry:manage-request") + f"?lang={language}",
        "email": registrant.email,
        "phone": phones.national(registrant.phone),
        "sites": sites,
        "camera_count": camera_count,
    }


def purge_date_of(cycle: Cycle, policy: Policy | None = None, zone=None) -> date | None:
    """When a lapsed cycle's registration is (or was) to be purged."""
    if cycle.lapsed_at is None:
        return None
    policy = policy or Policy.from_settings()
    zone = zone or agency_zone()
    notice = local_date(cycle.purge_notice_at, zone) if cycle.purge_notice_at else None
    return policy.purge_on(local_date(cycle.lapsed_at, zone), notice)
