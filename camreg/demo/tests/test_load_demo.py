"""`make run` (load_demo) creates the Kern County agency through the demo app; nothing
else does."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from camreg.agency import services as agency_services
from camreg.agency.models import Agency
from camreg.demo import agency as demo_agency
from camreg.registry.models import Registrant

pytestmark = [pytest.mark.django_db, pytest.mark.no_agency]


def test_load_demo_sets_up_the_kern_county_agency(settings, client):
    assert client.get("/").status_code == 503
    with pytest.raises(CommandError, match="only loaded when DEMO_MODE"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Agency.objects.exists()

    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("load_demo", "--count", "5", stdout=out)
    assert "agency Kern County Sheriff's Office" in out.getvalue()
    agency = Agency.objects.get()
    assert agency.jurisdiction_name == "Kern County"
    assert agency.name_in("es") == "Oficina del Sheriff del Condado de Kern"
    assert agency.state_codes == ("CA",)
    assert agency.time_zone == "America/Los_Angeles"
    assert agency.boundary == demo_agency.kern_county_boundary()
    assert Registrant.objects.count() == 5
    (south, west), (north, east) = agency_services.map_bounds()
    assert south < 35.3733 < north and west < -119.0187 < east  # Bakersfield is inside

    call_command("load_demo", stdout=io.StringIO())  # again: the same agency
    assert Agency.objects.get().pk == agency.pk
    assert client.get("/").status_code == 200


def test_the_demo_profile_passes_setup_validation():
    agency = demo_agency.ensure_agency()
    assert demo_agency.ensure_agency() == agency
    assert Agency.objects.count() == 1
