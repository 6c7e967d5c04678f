"""Service accounts: the identity of a system calling the API. Administrators create them with
the roles the API uses; they never sign in to the console in any way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from camreg.accounts import services
from camreg.accounts.models import AccountKind, StaffToken, TokenPurpose, User
from camreg.accounts.roles import Permission, can, permissions_of
from camreg.outreach.models import OutboxMessage
from camreg.testing.audit import events, one_event
from camreg.testing.staff import PASSWORD, make_service_account, verified

from .conftest import CONSOLE, SIGN_IN

pytestmark = pytest.mark.django_db

CREATE = reverse("staff:service-account-create")


def test_an_administrator_creates_a_service_account(administrator):
    page = administrator.get(CREATE)
    assert page.status_code == 200
    offered = {value for value, _label in page.context["form"].fields["roles"].choices}
    assert offered == {"deputy", "investigator", "supervisor"}
    response = administrator.post(CREATE, {"name": "Kern CAD dispatch", "roles": ["deputy"]})
    assert response.status_code == 302
    account = User.objects.get(full_name="Kern CAD dispatch")
    assert response["Location"] == reverse("staff:detail", args=[account.pk])
    assert account.kind == AccountKind.SERVICE and account.roles == ["deputy"]
    assert not account.has_usable_password()
    assert account.email.endswith("@service-account.invalid")
    event = one_event("staff.service_account_created")
    assert event.actor_id == str(administrator.user.pk) and event.target_id == str(account.pk)
    assert not OutboxMessage.objects.exists()  # nothing is ever sent to a service account

    detail = administrator.get(response["Location"]).content.decode()
    assert "(service account)" in detail and "Create a token" in detail
    assert "Authenticator app" not in detail
    listing = administrator.get(reverse("staff:list")).content.decode()
    assert "Service accounts (1)" in listing and "Kern CAD dispatch" in listing


@pytest.mark.parametrize("roles", [["auditor"], ["administrator"], ["deputy", "auditor"]])
def test_a_service_account_only_gets_the_roles_the_api_uses(administrator, roles):
    response = administrator.post(CREATE, {"name": "CAD", "roles": roles})
    assert response.status_code == 400
    assert not User.objects.filter(kind=AccountKind.SERVICE).exists()
    account = make_service_account("deputy")
    response = administrator.post(reverse("staff:detail", args=[account.pk]), {"roles": roles})
    assert response.status_code == 400
    account.refresh_from_db()
    assert account.roles == ["deputy"]
    with pytest.raises(services.StaffChangeRefused, match="only have the roles the API uses"):
        services.create_service_account(name="CAD", roles=roles, actor=administrator.user)


def test_another_role_is_changed_like_a_persons(administrator):
    account = make_service_account("deputy")
    response = administrator.post(
        reverse("staff:detail", args=[account.pk]), {"roles": ["deputy", "supervisor"]}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.roles == ["deputy", "supervisor"]
    assert one_event("staff.roles_changed").target_id == str(account.pk)


def test_whatever_its_roles_say_it_can_only_do_what_the_api_offers():
    account = make_service_account("supervisor")
    User.objects.filter(pk=account.pk).update(roles=["supervisor", "administrator", "auditor"])
    account = verified(User.objects.get(pk=account.pk))
    assert permissions_of(account) == {Permission.CANVASS, Permission.CANVASS_OVERRIDE}
    for permission in (Permission.CONSOLE, Permission.USERS, Permission.AUDIT_VIEW):
        assert not can(account, permission)
    assert can(account, Permission.CANVASS)


def test_a_service_account_cannot_sign_in(administrator):
    account = make_service_account("deputy")
    # Even with a password somebody put on it by hand...
    account.set_password(PASSWORD)
    account.save()
    client = Client()
    response = client.post(SIGN_IN, {"email": account.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get(CONSOLE).status_code == 302
    # ...and even with a session made for it, the console does not load it.
    client.force_login(account, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(CONSOLE).status_code == 302
    sneaky = Client()
    sneaky.force_login(account)
    assert sneaky.get(CONSOLE).status_code == 302


def test_no_password_reset_or_invitation_for_a_service_account(client):
    account = make_service_account("deputy")
    account.set_password(PASSWORD)
    account.save()
    client.post(reverse("accounts:password-reset"), {"email": account.email})
    assert not OutboxMessage.objects.exists()
    assert not StaffToken.objects.exists()
    assert one_event("auth.password_reset_requested").details["sent"] is False

    link = services.issue_token(account, TokenPurpose.INVITATION, lifetime=timedelta(days=1))
    assert client.get(reverse("accounts:invitation", args=[link])).status_code == 410
    reset = services.issue_token(account, TokenPurpose.PASSWORD_RESET, lifetime=timedelta(hours=1))
    assert client.get(reverse("accounts:password-reset-confirm", args=[reset])).status_code == 410
    with pytest.raises(services.StaffChangeRefused):
        services.resend_invitation(account, actor=None, request=None)


def test_break_glass_recovery_refuses_a_service_account():
    account = make_service_account("deputy")
    with pytest.raises(CommandError, match="service account"):
        call_command("recover_staff_account", account.email)
    assert not events("staff.account_recovered")
