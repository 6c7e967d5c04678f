"""A camera row of the index becomes a search result field by field: every column lands on
the attribute of its name (the result is built positionally, for speed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from camreg.canvass.services import ranking
from camreg.canvass.services.explanations import Phrases
from camreg.geo import shapes

# One distinct value per column, named as the index names them.
ROW = {
    "camera_id": 101,
    "label": "Front porch",
    "location_description": "Over the garage door",
    "placement": "outdoor",
    "coverage": '["street", "driveway"]',  # JSON columns come as their text
    "direction": 45,
    "field_of_view": 90,
    "range_m": 30,
    "system_type": "dvr_nvr",
    "brand": "Acme",
    "recording_mode": "motion",
    "retention_days": 30,
    "owner_can_export": 1,
    "site_id": 202,
    "site_latitude": 35.3734,
    "site_longitude": -119.0186,
    "street": "1200 Truxtun Ave",
    "unit": "Suite 4",
    "city": "Bakersfield",
    "state": "CA",
    "postcode": "93301",
    "registrant_id": 303,
    "status": "lapsed",
    "kind": "business",
    "name": "Ana Ruiz",
    "business_name": "Ruiz Hardware",
    "onsite_contact_name": "Luis Ruiz",
    "onsite_contact_phone": "6615550101",
    "phone": "6615550102",
    "alternate_phone": "6615550103",
    "email": "ana@example.com",
    "preferred_contact": "phone",
    "contact_hours": "Weekdays 9 to 5",
    "language": "es",
}
# The result's attribute for each column whose value it keeps as it is.
SAME_VALUE = {
    "camera_id": "camera_id",
    "label": "label",
    "location_description": "location_description",
    "placement": "placement",
    "direction": "direction",
    "field_of_view": "field_of_view",
    "range_m": "range_m",
    "system_type": "system_type",
    "brand": "brand",
    "recording_mode": "recording_mode",
    "retention_days": "retention_days",
    "site_id": "site_id",
    "site_latitude": "latitude",
    "site_longitude": "longitude",
    "registrant_id": "registrant_id",
    "status": "registration_status",
    "kind": "registrant_kind",
    "name": "name",
    "business_name": "business_name",
    "onsite_contact_name": "onsite_contact_name",
    "onsite_contact_phone": "onsite_contact_phone",
    "phone": "phone",
    "alternate_phone": "alternate_phone",
    "email": "email",
    "preferred_contact": "preferred_contact",
    "contact_hours": "contact_hours",
    "language": "language",
}


def test_every_column_lands_on_its_attribute():
    assert set(ROW) == set(ranking._FIELDS)
    row = tuple(ROW[name] for name in ranking._FIELDS)
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    start = now - timedelta(days=2)
    scene = shapes.CircleScene(35.3733, -119.0187, 100)
    (assessment,) = scene.assess(
        [shapes.CameraView(ROW["site_latitude"], ROW["site_longitude"], 225, 90, 30)]
    )

    result = ranking._result(row, assessment, scene, start, now, Phrases(), {})

    for column, attribute in SAME_VALUE.items():
        assert getattr(result, attribute) == ROW[column], attribute
    assert result.coverage == ["street", "driveway"]
    assert result.rank == 0
    assert result.listed_apart is True  # a lapsed registration
    assert result.owner_can_export is True
    assert result.distance_m == round(assessment.distance_m, 1) > 0
    assert (result.inside_area, result.faces_scene) == (assessment.inside, assessment.faces)
    assert result.overwrite_at == start + timedelta(days=30)
    assert result.video_retained is True and result.days_left == 28
    assert result.recording_note.startswith("Records on motion only")
    assert result.address_line == "1200 Truxtun Ave Suite 4, Bakersfield, CA 93301"
    assert result.reason and result.facing
