"""The calendar of the yearly cycle: intervals from settings, dates in the agency's time zone.

A registration confirmed on 2025-03-01 is due on 2026-03-01 (CONFIRMATION_INTERVAL_MONTHS
later; the 29th of February counts as the 28th in other years). The annual email goes out
on the first daily run on or after the due date; reminders follow CONFIRMATION_REMINDER_DAYS
after that email (14 and 28 days: the 15th and the 29th of March); it lapses
CONFIRMATION_LAPSE_DAYS after the email (45: the 15th of April). A lapsed registration is
purged LAPSED_PURGE_MONTHS after it lapsed (2027-04-15), after a notice
LAPSED_PURGE_NOTICE_DAYS before (2027-03-16), and never sooner than that many days after
the notice was actually sent.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from camreg.agency import services as agency_services


@dataclass(frozen=True)
class Policy:
    interval_months: int
    reminder_days: tuple[int, ...]
    lapse_days: int
    purge_months: int
    purge_notice_days: int

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(
            interval_months=settings.CONFIRMATION_INTERVAL_MONTHS,
            reminder_days=tuple(sorted(d for d in settings.CONFIRMATION_REMINDER_DAYS if d > 0)),
            lapse_days=settings.CONFIRMATION_LAPSE_DAYS,
            purge_months=settings.LAPSED_PURGE_MONTHS,
            purge_notice_days=settings.LAPSED_PURGE_NOTICE_DAYS,
        )

    # Dates of one cycle

    def due_on(self, confirmed_on: date) -> date:
        return add_months(confirmed_on, self.interval_months)

    def reminder_on(self, sent_on: date, number: int) -> date:
        """The day reminder `number` (1, 2 ...) is due after the annual email of `sent_on`."""
        return sent_on + timedelta(days=self.reminder_days[number - 1])

    def lapses_on(self, sent_on: date) -> date:
        return sent_on + timedelta(days=self.lapse_days)

    def purge_planned_on(self, lapsed_on: date) -> date:
        return add_months(lapsed_on, self.purge_months)

    def purge_notice_on(self, lapsed_on: date) -> date:
        return self.purge_planned_on(lapsed_on) - timedelta(days=self.purge_notice_days)

    def purge_on(self, lapsed_on: date, notice_on: date | None) -> date:
        """The purge date: as planned, but never sooner than the notice period after the
        notice went out (a notice sent late moves the purge)."""
        planned = self.purge_planned_on(lapsed_on)
        if notice_on is None:
            return planned
        return max(planned, notice_on + timedelta(days=self.purge_notice_days))


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the last day of the month where that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def agency_zone() -> ZoneInfo:
    return ZoneInfo(agency_services.current().time_zone)


def local_date(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The day `moment` falls on in the agency's time zone."""
    return timezone.localtime(moment, zone or agency_zone()).date()


def today(zone: ZoneInfo | None = None) -> date:
    return local_date(timezone.now(), zone)


def start_of_day(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The first moment of `day` in the agency's time zone."""
    return datetime.combine(day, time.min, tzinfo=zone or agency_zone())


def end_of_day(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The last moment of `day` in the agency's time zone (a link's expiry)."""
    zone = zone or agency_zone()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone) - timedelta(
        microseconds=1
    )
