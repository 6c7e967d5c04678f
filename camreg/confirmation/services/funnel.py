"""The confirmation funnel for the console: per month of the due date, how many cycles were
due, sent, reminded, confirmed, lapsed and purged, and the cycles behind each number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from ..models import Cycle
from .policy import add_months, today

STAGES: dict[str, tuple[str, Q]] = {
    "due": ("Due", Q()),
    "sent": ("Sent", Q(sent_at__isnull=False)),
    "reminded": ("Reminded", Q(reminders_sent__gt=0)),
    "confirmed": ("Confirmed", Q(confirmed_at__isnull=False)),
    "lapsed": ("Lapsed", Q(lapsed_at__isnull=False)),
    "purged": ("Purged", Q(purged_at__isnull=False)),
}
MONTHS_SHOWN = 13  # the last twelve months and the next one


@dataclass
class MonthRow:
    month: date  # the first day
    counts: dict[str, int]

    @property
    def key(self) -> str:
        return self.month.strftime("%Y-%m")


def months(until: date | None = None, count: int = MONTHS_SHOWN) -> list[date]:
    """First days of `count` months, newest first, ending with the month after `until`."""
    first = (until or today()).replace(day=1)
    newest = add_months(first, 1)
    return [add_months(newest, -i) for i in range(count)]


def funnel(*, until: date | None = None, count: int = MONTHS_SHOWN) -> list[MonthRow]:
    """One row per month (newest first) with the count of each stage, in one query."""
    shown = months(until, count)
    oldest, newest = shown[-1], add_months(shown[0], 1)
    aggregates = {name: Count("pk", filter=condition) for name, (_l, condition) in STAGES.items()}
    found = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row
        for row in Cycle.objects.filter(due_on__gte=oldest, due_on__lt=newest)
        .annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(**aggregates)
    }
    rows = []
    for month in shown:
        row = found.get(month, {})
        rows.append(MonthRow(month, {name: row.get(name, 0) for name in STAGES}))
    return rows


def parse_month(value: str) -> date | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return None


def cycles(month: date, stage: str) -> QuerySet[Cycle]:
    """The cycles behind one number of the funnel."""
    if stage not in STAGES:
        raise LookupError(stage)
    return (
        Cycle.objects.filter(STAGES[stage][1], due_on__gte=month, due_on__lt=add_months(month, 1))
        .select_related("registrant")
        .order_by("due_on", "pk")
    )


def cycles_of(registrant) -> QuerySet[Cycle]:
    """A registrant's cycles, the open one (or else the latest) first."""
    return Cycle.objects.filter(registrant=registrant).order_by(
        F("closed_at").desc(nulls_first=True), "-pk"
    )
