"""Administrators manage staff: roles, deactivation, second-factor reset; all audited, and
never against themselves in a way that locks them out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts.models import DeactivationReason, User

from .conftest import CONSOLE, ENROL, PASSWORD, SIGN_IN, events, make_staff, verified_client

pytestmark = pytest.mark.django_db


def detail(user: User) -> str:
    return reverse("staff:detail", args=[user.pk])


def test_the_list_shows_roles_status_and_last_sign_in(admin_client, deputy):
    page = admin_client.get(reverse("staff:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dana Deputy" in html and "Deputy" in html and "Never" in html
    assert admin_client.get(detail(deputy)).status_code == 200


def test_role_change_is_audited_with_the_acting_administrator(admin, admin_client, deputy):
    response = admin_client.post(detail(deputy), {"roles": ["deputy", "investigator"]})
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.roles == ["deputy", "investigator"]
    event = events("staff.roles_changed").get()
    assert event.actor_id == str(admin.pk)
    assert event.target_id == str(deputy.pk)
    assert event.details["added"] == ["investigator"] and event.details["removed"] == []
    # Saving the same roles again changes and records nothing.
    admin_client.post(detail(deputy), {"roles": ["investigator", "deputy"]})
    assert events("staff.roles_changed").count() == 1


def test_roles_take_effect_at_once(admin_client, deputy):
    deputy_client = verified_client(deputy)
    assert deputy_client.get(reverse("staff:list")).status_code == 403
    admin_client.post(detail(deputy), {"roles": ["deputy", "administrator"]})
    assert deputy_client.get(reverse("staff:list")).status_code == 200


def test_an_administrator_cannot_remove_their_own_administrator_role(admin, admin_client):
    response = admin_client.post(detail(admin), {"roles": ["deputy"]})
    assert response.status_code == 400
    assert "cannot remove your own administrator role" in response.content.decode()
    admin.refresh_from_db()
    assert admin.roles == ["administrator"]
    assert not events("staff.roles_changed").exists()
    # Adding a role to oneself is fine.
    admin_client.post(detail(admin), {"roles": ["administrator", "auditor"]})
    admin.refresh_from_db()
    assert admin.roles == ["administrator", "auditor"]


def test_an_administrator_cannot_deactivate_themselves(admin, admin_client):
    response = admin_client.post(reverse("staff:deactivate", args=[admin.pk]))
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.is_active
    assert not events("staff.deactivated").exists()
    assert admin_client.get(CONSOLE).status_code == 200


def test_deactivation_ends_sessions_and_sign_in_and_is_audited(admin, admin_client, deputy):
    deputy_client = verified_client(deputy)
    assert deputy_client.get(CONSOLE).status_code == 200
    response = admin_client.post(
        reverse("staff:deactivate", args=[deputy.pk]), {"reason": "Left the agency"}
    )
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert not deputy.is_active and deputy.deactivated_at is not None
    assert deputy.deactivated_reason == DeactivationReason.ADMINISTRATOR
    assert deputy_client.get(CONSOLE).status_code == 302
    refused = Client().post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    assert refused.status_code == 400
    event = events("staff.deactivated").get()
    assert event.actor_id == str(admin.pk) and event.reason == "Left the agency"

    admin_client.post(reverse("staff:reactivate", args=[deputy.pk]))
    deputy.refresh_from_db()
    assert deputy.is_active and deputy.deactivated_at is None and deputy.reactivated_at
    assert events("staff.reactivated").get().actor_id == str(admin.pk)
    allowed = Client().post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    assert allowed.status_code == 302


def test_reset_second_factor_makes_the_person_enrol_again(admin, admin_client, deputy):
    deputy_client = verified_client(deputy)
    response = admin_client.post(reverse("staff:reset-mfa", args=[deputy.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=deputy).exists()
    assert not StaticDevice.objects.filter(user=deputy).exists()
    assert deputy_client.get(CONSOLE).status_code == 302  # the old device no longer counts
    client = Client()
    response = client.post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    assert response["Location"] == ENROL
    event = events("staff.mfa_reset").get()
    assert event.actor_id == str(admin.pk) and event.target_id == str(deputy.pk)


def test_an_administrator_cannot_reset_their_own_second_factor(admin, admin_client):
    admin_client.post(reverse("staff:reset-mfa", args=[admin.pk]))
    assert TOTPDevice.objects.filter(user=admin).exists()
    assert not events("staff.mfa_reset").exists()


@pytest.mark.parametrize("role", ["deputy", "supervisor", "auditor", "program_coordinator"])
def test_other_roles_cannot_manage_staff(role, deputy):
    user = make_staff(f"{role}@example.org", roles=(role,))
    client = verified_client(user)
    assert client.post(detail(deputy), {"roles": ["administrator"]}).status_code == 403
    assert client.post(reverse("staff:deactivate", args=[deputy.pk])).status_code == 403
    deputy.refresh_from_db()
    assert deputy.roles == ["deputy"] and deputy.is_active
