"""An administrator invites; the invitee sets a password, sets up the authenticator and is in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services
from camreg.accounts.models import User

from .conftest import (
    CONSOLE,
    ENROL,
    actions,
    device_of,
    events,
    link_in_last_email,
    totp_now,
    verified_client,
)

pytestmark = pytest.mark.django_db
INVITE = reverse("staff:invite")
PASSWORD = "granite kettle meadow 5"


def invite_deputy(admin_client) -> User:
    response = admin_client.post(
        INVITE,
        {"email": "Dee.Newman@Example.org", "full_name": "Dee Newman", "roles": ["deputy"]},
    )
    user = User.objects.get(email="dee.newman@example.org")
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:detail", args=[user.pk]
    )
    return user


def test_invite_set_password_enrol_and_signed_in(admin, admin_client):
    user = invite_deputy(admin_client)
    assert user.roles == ["deputy"] and not user.has_usable_password()
    assert user.invitation_pending
    message = mail.outbox[-1]
    assert message.to == ["dee.newman@example.org"]
    assert "Alex Admin invited you" in message.body
    assert "7 days" in message.body
    invited = events("staff.invited").get()
    assert invited.actor_id == str(admin.pk) and invited.target_id == str(user.pk)

    path = link_in_last_email("/staff/invitation/")
    invitee = Client()
    page = invitee.get(path)
    assert page.status_code == 200 and "Dee Newman" in page.content.decode()
    short = invitee.post(path, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 400
    response = invitee.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ENROL
    assert invitee.get(CONSOLE).status_code == 302  # not in before the second factor

    assert invitee.get(ENROL).status_code == 200
    code = totp_now(device_of(user, confirmed=False))
    response = invitee.post(ENROL, {"code": code})
    assert response["Location"] == reverse("accounts:recovery-codes")
    assert invitee.get(response["Location"]).status_code == 200
    assert invitee.get(CONSOLE).status_code == 200

    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.invitation_pending
    assert actions()[-4:] == [
        "staff.invited",
        "staff.invite_accepted",
        "auth.mfa_enrolled",
        "auth.sign_in",
    ]
    # The link was for one use.
    assert Client().get(path).status_code == 410


def test_invitation_link_expires_after_7_days(admin_client):
    invite_deputy(admin_client)
    path = link_in_last_email("/staff/invitation/")
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert Client().get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert Client().get(path).status_code == 410


def test_resending_replaces_the_link(admin_client):
    user = invite_deputy(admin_client)
    first = link_in_last_email("/staff/invitation/")
    response = admin_client.post(reverse("staff:resend-invitation", args=[user.pk]))
    assert response.status_code == 302
    second = link_in_last_email("/staff/invitation/")
    assert first != second
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    assert events("staff.invited").count() == 2


def test_an_existing_address_cannot_be_invited_twice(admin, admin_client):
    response = admin_client.post(
        INVITE, {"email": admin.email.upper(), "full_name": "Copy", "roles": ["deputy"]}
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_roles_are_required_and_must_be_known(admin_client):
    response = admin_client.post(
        INVITE, {"email": "x@example.org", "full_name": "X", "roles": ["sheriff"]}
    )
    assert response.status_code == 400
    response = admin_client.post(INVITE, {"email": "x@example.org", "full_name": "X"})
    assert response.status_code == 400
    assert "Choose at least one role" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_only_administrators_invite(deputy):
    response = verified_client(deputy).post(
        INVITE, {"email": "x@example.org", "full_name": "X", "roles": ["administrator"]}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_deactivated_invitee_cannot_use_the_link(admin, admin_client):
    user = invite_deputy(admin_client)
    path = link_in_last_email("/staff/invitation/")
    services.deactivate(user, actor=admin, request=None)
    assert Client().get(path).status_code == 410
