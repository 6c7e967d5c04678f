"""API tokens: created by an administrator, shown once, stored hashed, revocable, audited."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from camreg.accounts.services import deactivate
from camreg.api import services
from camreg.api.models import ApiToken
from camreg.audit.models import AuditEvent
from camreg.testing.staff import make_staff, staff_client, verified

from .conftest import bearer

pytestmark = pytest.mark.django_db

NEARBY = reverse("api:cameras-nearby")


def test_a_token_is_returned_once_and_only_its_hash_is_stored(administrator, deputy):
    token, raw = services.create_token(
        user=deputy.user, name="CAD system", actor=administrator.user
    )
    assert raw.startswith("crk_") and len(raw) > 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert raw not in {str(v) for v in stored.values()}
    assert services.authenticate(raw) == token
    assert services.authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_creating_and_revoking_are_audited(administrator, deputy):
    token, raw = services.create_token(
        user=deputy.user, name="CAD system", actor=administrator.user
    )
    created = AuditEvent.objects.get(action="api.token_created")
    assert created.actor_id == str(administrator.user.pk)
    assert created.target_id == str(token.pk)
    assert created.details["user_id"] == deputy.user.pk
    assert raw not in str(created.details)

    services.revoke(token, actor=administrator.user)
    revoked = AuditEvent.objects.get(action="api.token_revoked")
    assert revoked.actor_id == str(administrator.user.pk) and revoked.target_id == str(token.pk)
    services.revoke(token, actor=administrator.user)  # again: nothing changes
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_only_administrators_create_or_revoke_tokens(deputy):
    supervisor = verified(make_staff("supervisor"))
    with pytest.raises(PermissionDenied):
        services.create_token(user=deputy.user, name="Mine", actor=supervisor)
    token, _raw = services.create_token(user=deputy.user, name="CAD")
    with pytest.raises(PermissionDenied):
        services.revoke(token, actor=supervisor)


def test_no_token_or_a_wrong_one_is_401(api_client):
    for client in (
        Client(),
        Client(HTTP_AUTHORIZATION="Bearer crk_not-a-real-token"),
        Client(HTTP_AUTHORIZATION="Basic Zm9vOmJhcg=="),
    ):
        response = client.get(NEARBY)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.json()["message"]
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(administrator, deputy):
    token, raw = services.create_token(user=deputy.user, name="CAD")
    assert Client(**bearer(raw)).get(NEARBY).status_code == 422  # authenticated, no params
    services.revoke(token, actor=administrator.user)
    response = Client(**bearer(raw)).get(NEARBY)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_a_token_of_a_deactivated_user_is_401(administrator, deputy):
    _token, raw = services.create_token(user=deputy.user, name="CAD")
    deactivate(deputy.user, actor=administrator.user, request=None)
    assert Client(**bearer(raw)).get(NEARBY).status_code == 401


def test_last_use_is_recorded(deputy, deputy_token):
    token = ApiToken.objects.get(user=deputy.user)
    assert token.last_used_at is None
    Client(**bearer(deputy_token)).get(NEARBY)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_command_prints_the_token_once(deputy):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", deputy.user.email, name="CAD", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert services.authenticate(raw).user == deputy.user
    assert raw not in err.getvalue()
    assert AuditEvent.objects.filter(action="api.token_created").count() == 1
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody@example.org", name="CAD", stdout=out)


# The console pages ----------------------------------------------------------------------


def admin_client() -> Client:
    return staff_client("administrator")


def test_an_administrator_creates_a_token_and_sees_it_once(deputy):
    client = admin_client()
    page = client.get(reverse("api-tokens:create"))
    assert page.status_code == 200
    response = client.post(reverse("api-tokens:create"), {"user": deputy.user.pk, "name": "CAD"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert services.authenticate(raw).user == deputy.user

    listing = client.get(reverse("api-tokens:list")).content.decode()
    assert "CAD" in listing and raw[:12] in listing and raw not in listing


def test_the_form_names_what_is_missing():
    response = admin_client().post(reverse("api-tokens:create"), {"name": ""})
    assert response.status_code == 400
    assert "Choose the staff member" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_a_token(deputy, deputy_token):
    token = ApiToken.objects.get(user=deputy.user)
    client = admin_client()
    response = client.post(reverse("api-tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(**bearer(deputy_token)).get(NEARBY).status_code == 401


def test_other_roles_cannot_manage_tokens(deputy):
    client = staff_client("supervisor")
    assert client.get(reverse("api-tokens:list")).status_code == 403
    assert (
        client.post(reverse("api-tokens:create"), {"user": deputy.user.pk, "name": "x"}).status_code
        == 403
    )
    assert not ApiToken.objects.exists()


def test_the_menu_shows_api_tokens_to_administrators():
    page = admin_client().get(reverse("console:home")).content.decode()
    assert reverse("api-tokens:list") in page
