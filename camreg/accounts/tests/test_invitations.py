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
from camreg.testing.audit import actions, events, one_event
from camreg.testing.mail import link_in_last_email
from camreg.testing.staff import device_of, signed_in, totp_now

from .conftest import CONSOLE, ENROL

pytestmark = pytest.mark.django_db
INVITE = reverse("staff:invite")
PASSWORD = "granite kettle meadow 5"


def invite_deputy(administrator) -> User:
    response = administrator.post(
        INVITE,
        {"email": "Dee.Newman@Example.org", "full_name": "Dee Newman", "roles": ["deputy"]},
    )
    user = User.objects.get(email="dee.newman@example.org")
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:detail", args=[user.pk]
    )
    return user


def test_invite_set_password_enrol_and_signed_in(administrator):
    user = invite_deputy(administrator)
    assert user.roles == ["deputy"] and not user.has_usable_password()
    assert user.invitation_pending
    message = mail.outbox[-1]
    assert message.to == ["dee.newman@example.org"]
    assert "Alex Admin invited you" in message.body
    assert "7 days" in message.body
    invited = one_event("staff.invited")
    assert invited.actor_id == str(administrator.user.pk) and invited.target_id == str(user.pk)

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


def test_invitation_link_expires_after_7_days(administrator):
    invite_deputy(administrator)
    path = link_in_last_email("/staff/invitation/")
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert Client().get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert Client().get(path).status_code == 410


def test_resending_replaces_the_link(administrator):
    user = invite_deputy(administrator)
    first = link_in_last_email("/staff/invitation/")
    response = administrator.post(reverse("staff:resend-invitation", args=[user.pk]))
    assert response.status_code == 302
    second = link_in_last_email("/staff/invitation/")
    assert first != second
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    assert len(events("staff.invited")) == 2


def test_an_existing_address_cannot_be_invited_twice(administrator):
    response = administrator.post(
        INVITE,
        {"email": administrator.user.email.upper(), "full_name": "Copy", "roles": ["deputy"]},
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_roles_are_required_and_must_be_known(administrator):
    response = administrator.post(
        INVITE, {"email": "x@example.org", "full_name": "X", "roles": ["sheriff"]}
    )
    assert response.status_code == 400
    response = administrator.post(INVITE, {"email": "x@example.org", "full_name": "X"})
    assert response.status_code == 400
    assert "Choose at least one role" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_only_administrators_invite(dana):
    response = signed_in(dana).post(
        INVITE, {"email": "x@example.org", "full_name": "X", "roles": ["administrator"]}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_deactivated_invitee_cannot_use_the_link(administrator):
    user = invite_deputy(administrator)
    path = link_in_last_email("/staff/invitation/")
    services.deactivate(user, actor=administrator.user, request=None)
    assert Client().get(path).status_code == 410
