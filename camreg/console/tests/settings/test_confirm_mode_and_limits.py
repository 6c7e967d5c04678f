"""Confirm mode, and the canvass limits and deadlines later parts of the product use."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.agency import services
from camreg.agency.models import ConfirmMode
from camreg.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LIMITS_URL = reverse("settings:limits")
DEFAULTS = {
    "case_number_pattern": r"^KC\d{4}-\d{6}$",
    "case_number_example": "KC2026-001234",
    "canvass_min_window_minutes": 15,
    "canvass_max_window_minutes": 720,
    "canvass_max_radius_m": 640,
    "canvass_max_area_sq_miles": 0.5,
    "canvass_max_route_length_m": 5000,
    "canvass_max_corridor_width_m": 150,
    "canvass_require_purpose_statement": True,
    "footage_request_link_days": 7,
    "annual_confirmation_grace_days": 30,
}


def limits_post(**changes) -> dict:
    data = {name: value for name, value in DEFAULTS.items()}
    data.update(changes)
    if data["canvass_require_purpose_statement"]:
        data["canvass_require_purpose_statement"] = "on"
    else:
        del data["canvass_require_purpose_statement"]
    return data


def test_the_installation_starts_with_the_documented_defaults(db):
    agency = services.current()
    assert {name: getattr(agency, name) for name in DEFAULTS} == DEFAULTS


def test_confirm_mode_change_is_saved_and_audited(coordinator):
    url = reverse("settings:confirm-mode")
    assert 'value="review" checked' in coordinator.get(url).content.decode()
    response = coordinator.post(url, {"confirm_mode": "automatic"})
    assert response.status_code == 302
    assert services.current().confirm_mode == ConfirmMode.AUTOMATIC
    event = AuditEvent.objects.get(action="settings.confirm_mode_changed")
    assert event.details["changed"] == ["confirm_mode"]
    assert event.details["values"] == {"confirm_mode": ["review", "automatic"]}
    assert coordinator.post(url, {"confirm_mode": "sometimes"}).status_code == 400
    assert services.current().confirm_mode == ConfirmMode.AUTOMATIC


def test_limits_are_saved_and_audited_with_the_changed_fields(coordinator):
    response = coordinator.post(
        LIMITS_URL,
        limits_post(
            canvass_max_radius_m=800,
            canvass_max_area_sq_miles="0.75",
            canvass_require_purpose_statement=False,
            case_number_pattern=r"^\d{2}-\d{6}$",
            case_number_example="26-123456",
        ),
    )
    assert response.status_code == 302
    agency = services.current()
    assert agency.canvass_max_radius_m == 800
    assert agency.canvass_max_area_sq_miles == 0.75
    assert agency.canvass_require_purpose_statement is False
    event = AuditEvent.objects.get(action="settings.limits_updated")
    assert event.details["changed"] == [
        "case_number_pattern",
        "case_number_example",
        "canvass_max_radius_m",
        "canvass_max_area_sq_miles",
        "canvass_require_purpose_statement",
    ]
    assert event.details["values"]["canvass_max_radius_m"] == [640, 800]
    assert services.case_number_is_valid("26-123456")
    assert not services.case_number_is_valid("KC2026-001234")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"canvass_min_window_minutes": 0}, "greater than or equal to 1"),
        ({"canvass_max_window_minutes": 20000}, "less than or equal to 10080"),
        (
            {"canvass_min_window_minutes": 60, "canvass_max_window_minutes": 30},
            "must not be shorter than the shortest one (60 minutes)",
        ),
        ({"canvass_max_radius_m": 5}, "greater than or equal to 10"),
        ({"canvass_max_area_sq_miles": "100"}, "less than or equal to 50"),
        ({"canvass_max_area_sq_miles": "lots"}, "Enter a number"),
        ({"canvass_max_route_length_m": 50}, "greater than or equal to 100"),
        ({"canvass_max_corridor_width_m": 3000}, "less than or equal to 2000"),
        ({"footage_request_link_days": 0}, "greater than or equal to 1"),
        ({"annual_confirmation_grace_days": 400}, "less than or equal to 365"),
        ({"annual_confirmation_grace_days": -1}, "greater than or equal to 0"),
        ({"case_number_pattern": "^KC(\\d{4}$"}, "not a valid regular expression"),
        ({"case_number_example": "2026-1"}, "does not match the case number format"),
    ],
)
def test_limits_out_of_range_are_refused_and_change_nothing(coordinator, changes, message):
    response = coordinator.post(LIMITS_URL, limits_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    agency = services.current()
    assert {name: getattr(agency, name) for name in DEFAULTS} == DEFAULTS
    assert not AuditEvent.objects.filter(action="settings.limits_updated").exists()


def test_the_case_number_format_matches_in_full(db):
    assert services.case_number_is_valid("KC2026-001234")
    assert not services.case_number_is_valid("KC2026-0012345")
    assert not services.case_number_is_valid("xKC2026-001234")
    assert not services.case_number_is_valid("")
