"""Administrators manage staff: roles, deactivation, second-factor reset; all audited, and
never against themselves in a way that locks them out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from camreg.accounts.models import AuthenticatorDevice, DeactivationReason, RecoveryCodeDevice, User
from camreg.testing.audit import events, one_event
from camreg.testing.staff import PASSWORD, make_staff, signed_in

from .conftest import CONSOLE, ENROL, SIGN_IN

pytestmark = pytest.mark.django_db


def detail(user: User) -> str:
    return reverse("staff:detail", args=[user.pk])


def test_the_list_shows_roles_status_and_last_sign_in(administrator, dana):
    page = administrator.get(reverse("staff:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dana Deputy" in html and "Deputy" in html and "Never" in html
    assert administrator.get(detail(dana)).status_code == 200


def test_role_change_is_audited_with_the_acting_administrator(administrator, dana):
    response = administrator.post(detail(dana), {"roles": ["deputy", "investigator"]})
    assert response.status_code == 302
    dana.refresh_from_db()
    assert dana.roles == ["deputy", "investigator"]
    event = one_event("staff.roles_changed")
    assert event.actor_id == str(administrator.user.pk)
    assert event.target_id == str(dana.pk)
    assert event.details["added"] == ["investigator"] and event.details["removed"] == []
    # Saving the same roles again changes and records nothing.
    administrator.post(detail(dana), {"roles": ["investigator", "deputy"]})
    assert len(events("staff.roles_changed")) == 1


def test_roles_take_effect_at_once(administrator, dana):
    deputy_client = signed_in(dana)
    assert deputy_client.get(reverse("staff:list")).status_code == 403
    administrator.post(detail(dana), {"roles": ["deputy", "administrator"]})
    assert deputy_client.get(reverse("staff:list")).status_code == 200


@pytest.mark.parametrize(
    "roles",
    [
        ["deputy"],  # removing their own administrator role
        ["administrator", "auditor", "deputy"],  # granting themselves the audit log and registry
        ["administrator", "auditor"],
    ],
)
def test_nobody_changes_their_own_roles(administrator, roles):
    page = administrator.get(detail(administrator.user)).content.decode()
    assert "You cannot change your own roles" in page and "Save roles" not in page
    response = administrator.post(detail(administrator.user), {"roles": roles})
    assert response.status_code == 400
    assert "You cannot change your own roles. Ask another administrator." in (
        response.content.decode()
    )
    administrator.user.refresh_from_db()
    assert administrator.user.roles == ["administrator"]
    assert not events("staff.roles_changed")
    # So an administrator reads neither the audit log nor the registry.
    assert administrator.get(reverse("audit:events")).status_code == 403
    assert administrator.get(reverse("console:registrants")).status_code == 403


def test_the_service_refuses_a_change_of_ones_own_roles_too(administrator):
    from camreg.accounts import services

    with pytest.raises(services.StaffChangeRefused, match="your own roles"):
        services.change_roles(
            administrator.user, ["administrator", "auditor"], actor=administrator.user, request=None
        )
    administrator.user.refresh_from_db()
    assert administrator.user.roles == ["administrator"]


def test_another_administrator_may_change_them(administrator):
    other = signed_in(make_staff("administrator", email="second.admin@example.org"))
    response = other.post(detail(administrator.user), {"roles": ["administrator", "auditor"]})
    assert response.status_code == 302
    administrator.user.refresh_from_db()
    assert administrator.user.roles == ["administrator", "auditor"]
    assert one_event("staff.roles_changed").actor_id == str(other.user.pk)


def test_an_administrator_cannot_deactivate_themselves(administrator):
    response = administrator.post(reverse("staff:deactivate", args=[administrator.user.pk]))
    assert response.status_code == 302
    administrator.user.refresh_from_db()
    assert administrator.user.is_active
    assert not events("staff.deactivated")
    assert administrator.get(CONSOLE).status_code == 200


def test_deactivation_ends_sessions_and_sign_in_and_is_audited(administrator, dana):
    deputy_client = signed_in(dana)
    assert deputy_client.get(CONSOLE).status_code == 200
    response = administrator.post(
        reverse("staff:deactivate", args=[dana.pk]), {"reason": "Left the agency"}
    )
    assert response.status_code == 302
    dana.refresh_from_db()
    assert not dana.is_active and dana.deactivated_at is not None
    assert dana.deactivated_reason == DeactivationReason.ADMINISTRATOR
    assert deputy_client.get(CONSOLE).status_code == 302
    refused = Client().post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    assert refused.status_code == 400
    event = one_event("staff.deactivated")
    assert event.actor_id == str(administrator.user.pk) and event.reason == "Left the agency"

    administrator.post(reverse("staff:reactivate", args=[dana.pk]))
    dana.refresh_from_db()
    assert dana.is_active and dana.deactivated_at is None and dana.reactivated_at
    assert one_event("staff.reactivated").actor_id == str(administrator.user.pk)
    allowed = Client().post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    assert allowed.status_code == 302


def test_reset_second_factor_makes_the_person_enrol_again(administrator, dana):
    deputy_client = signed_in(dana)
    response = administrator.post(reverse("staff:reset-mfa", args=[dana.pk]))
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=dana).exists()
    assert not RecoveryCodeDevice.objects.filter(user=dana).exists()
    assert deputy_client.get(CONSOLE).status_code == 302  # the old device no longer counts
    client = Client()
    response = client.post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    assert response["Location"] == ENROL
    event = one_event("staff.mfa_reset")
    assert event.actor_id == str(administrator.user.pk) and event.target_id == str(dana.pk)


def test_an_administrator_cannot_reset_their_own_second_factor(administrator):
    administrator.post(reverse("staff:reset-mfa", args=[administrator.user.pk]))
    assert AuthenticatorDevice.objects.filter(user=administrator.user).exists()
    assert not events("staff.mfa_reset")


@pytest.mark.parametrize("role", ["deputy", "supervisor", "auditor", "program_coordinator"])
def test_other_roles_cannot_manage_staff(role, dana):
    user = make_staff(role, email=f"{role}@example.org")
    client = signed_in(user)
    assert client.post(detail(dana), {"roles": ["administrator"]}).status_code == 403
    assert client.post(reverse("staff:deactivate", args=[dana.pk])).status_code == 403
    dana.refresh_from_db()
    assert dana.roles == ["deputy"] and dana.is_active
