"""Editing a registration on the registrant's behalf: a written reason, the same rules as
the portal, and an audit event naming what changed (never the values)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from camreg.registry import services as registry
from camreg.registry.models import Camera, RegistrationStatus
from camreg.testing.audit import events
from camreg.testing.registrants import form_post

pytestmark = pytest.mark.django_db


def _url(registrant) -> str:
    return reverse("console:registrant-edit", kwargs={"pk": registrant.pk})


@pytest.fixture
def ana(make_registrant, address_points):
    return make_registrant(
        "Ana Ruiz",
        email="ana@example.com",
        phone="+16615550123",
        status=RegistrationStatus.ACTIVE,
        cameras=[{"label": "Front"}, {"label": "Driveway", "direction": 200}],
    )


def _posted_back(client, registrant) -> dict:
    response = client.get(_url(registrant))
    assert response.status_code == 200
    return form_post(response.context["form"])


def test_edit_page_shows_the_registration_and_is_audited(coordinator, ana):
    response = coordinator.get(_url(ana))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Ana Ruiz"' in page
    assert 'value="(661) 555-0123"' in page
    assert "Reason for this change" in page
    assert "registry/site-map.js" in page
    [event] = events("registrant.viewed")
    assert event.details == {"page": "edit"}
    assert event.actor_id == str(coordinator.user.pk)


def test_a_reason_is_required(coordinator, ana):
    data = _posted_back(coordinator, ana)
    data["contact-phone"] = "(661) 555-0999"

    response = coordinator.post(_url(ana), data)

    assert response.status_code == 400
    assert "Write why you are changing this registration." in response.content.decode()
    ana.refresh_from_db()
    assert ana.phone == "+16615550123"
    assert events("registrant.edited") == []


def test_edit_saves_and_audits_what_changed(coordinator, ana):
    driveway = Camera.objects.get(label="Driveway")
    data = _posted_back(coordinator, ana)
    data["contact-phone"] = "(661) 555-0999"
    data["s0-c1-direction"] = "270"
    data["staff-reason"] = "Phone call from the registrant on 12 May: new number, camera moved."

    response = coordinator.post(_url(ana), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("console:registrant", kwargs={"pk": ana.pk})
    ana.refresh_from_db()
    assert ana.phone == "+16615550999"
    driveway.refresh_from_db()
    assert driveway.direction == 270
    [event] = events("registrant.edited")
    assert event.actor_id == str(coordinator.user.pk)
    assert event.target_id == str(ana.pk)
    assert event.reason == "Phone call from the registrant on 12 May: new number, camera moved."
    changed = event.details["changed"]
    assert changed["contact"] == ["phone"]
    assert changed["cameras"] == {
        "added": [],
        "removed": [],
        "changed": {str(driveway.pk): ["direction"]},
    }
    assert changed["sites"] == {"added": [], "removed": [], "changed": {}}
    # Names of fields, never their values.
    recorded = json.dumps(event.details)
    assert "+16615550999" not in recorded
    assert "+16615550123" not in recorded


def test_adding_a_camera_is_recorded(coordinator, ana):
    data = _posted_back(coordinator, ana)
    data.update(
        {
            "s0-camera_count": "3",
            "s0-c2-label": "Alley",
            "s0-c2-direction": "0",
            "s0-c2-field_of_view": "90",
            "s0-c2-range_ft": "50",
            "s0-c2-placement": "outdoor",
            "s0-c2-recording_mode": "motion",
            "s0-c2-retention_days": "3",
            "s0-c2-system_type": "standalone",
            "staff-reason": "Letter from the registrant.",
        }
    )
    response = coordinator.post(_url(ana), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    alley = Camera.objects.get(label="Alley")
    [event] = events("registrant.edited")
    assert event.details["changed"]["cameras"]["added"] == [alley.pk]


def test_structure_changes_keep_the_reason_without_errors(coordinator, ana):
    data = _posted_back(coordinator, ana)
    data["action"] = "add-camera-0"
    data["staff-reason"] = "Phone call"

    response = coordinator.post(_url(ana), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Phone call</textarea>" in page
    assert "Camera 3 at place 1" in page
    assert events("registrant.edited") == []


def test_only_editors_may_edit(deputy, ana):
    assert deputy.get(_url(ana)).status_code == 403
    data = {"action": "submit", "staff-reason": "Trying"}
    assert deputy.post(_url(ana), data).status_code == 403


def test_tombstones_cannot_be_edited(coordinator, ana):
    registry.leave(ana)
    response = coordinator.get(_url(ana))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:registrant", kwargs={"pk": ana.pk})
