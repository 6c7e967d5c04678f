"""Registration keeps the canvass index current: new, edited and removed places."""

import pytest
from django.urls import reverse

from camreg.canvass import index
from camreg.canvass.models import IndexedSite
from camreg.registry import services
from camreg.registry.models import Registrant, Site
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db


def test_registration_is_indexed_and_leaving_removes_it(client, address_points):
    data = registration_post(
        sites=[({}, [{}]), ({"street": "2400 Ming Ave", "postcode": "93304"}, [{}])]
    )
    assert client.post(reverse("registry:register"), data).status_code == 302
    sites = list(Site.objects.order_by("pk"))
    indexed = {row.site_id: row for row in IndexedSite.objects.all()}
    assert set(indexed) == {s.pk for s in sites}
    assert indexed[sites[0].pk].cell == index.cell_of(sites[0].latitude, sites[0].longitude)
    assert index.check().current

    services.leave(Registrant.objects.get())
    assert not IndexedSite.objects.exists()


def test_moving_a_site_moves_its_index_row(client, address_points):
    client.post(reverse("registry:register"), registration_post())
    registrant = Registrant.objects.get()
    site = registrant.sites.get()
    contact = {name: getattr(registrant, name) for name in services.CONTACT_FIELDS}
    camera = site.cameras.get()
    moved = {
        "id": site.pk,
        "label": "",
        "street": "5300 White Ln",
        "unit": "",
        "city": "Bakersfield",
        "postcode": "93309",
        "latitude": 35.33,
        "longitude": -119.09,
        "location_source": "pin",
        "cameras": [{"id": camera.pk, **{n: getattr(camera, n) for n in services.CAMERA_FIELDS}}],
    }
    services.update_registration(registrant, contact, [moved])
    row = IndexedSite.objects.get(site=site)
    assert (row.latitude, row.longitude) == (35.33, -119.09)
    assert row.cell == index.cell_of(35.33, -119.09)
