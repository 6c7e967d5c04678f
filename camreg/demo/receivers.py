"""What the demo does when a lower app announces a change: connected in DemoConfig.ready()."""

import csv

from django.conf import settings
from django.dispatch import receiver

from camreg.agency import services as agency_services
from camreg.agency import signals as agency_signals

from .address_points import DEMO_ADDRESS_POINTS


def _demo_points():
    with DEMO_ADDRESS_POINTS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield float(row["LON"]), float(row["LAT"])


@receiver(agency_signals.boundary_replacing, dispatch_uid="demo.addresses_inside_boundary")
def demo_addresses_outside_new_boundary(sender, shape, **kwargs) -> str | None:
    """In demo mode, the demo addresses a new boundary would leave out (they could no
    longer be registered)."""
    if not settings.DEMO_MODE:
        return None
    outside = agency_services.count_outside(shape, _demo_points())
    if not outside:
        return None
    return f"{outside} demo address{'es' if outside != 1 else ''}"
