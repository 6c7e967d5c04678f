"""Demo address points: invented addresses on real Kern County streets."""

from pathlib import Path

from camreg.geo.models import AddressPoint
from camreg.geo.services import import_address_points

DEMO_ADDRESS_POINTS = Path(__file__).resolve().parent / "data" / "demo-address-points.csv"


def load_demo_address_points() -> int:
    """Import the demo address points if there are none yet; how many were imported."""
    if AddressPoint.objects.exists():
        return 0
    return import_address_points(DEMO_ADDRESS_POINTS).imported
