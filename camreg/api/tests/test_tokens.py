"""API tokens: created by an administrator for a service account (never for a person), shown
once, stored hashed, revocable, revoked for good with their account, audited."""

from __future__ import annotations

import hashlib
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from camreg import tokens
from camreg.accounts.services import deactivate, reactivate
from camreg.api import services
from camreg.api.models import PURPOSE, ApiToken
from camreg.audit.models import ActorType, AuditEvent
from camreg.testing.staff import make_staff, staff_client, verified

from .conftest import bearer

pytestmark = pytest.mark.django_db

NEARBY = reverse("api:cameras-nearby")
MIGRATION = "camreg.api.migrations.0003_tokens_for_service_accounts_only"


def test_a_token_is_returned_once_and_only_its_hash_is_stored(administrator, service_account):
    token, raw = services.create_token(
        user=service_account, name="CAD system", actor=administrator.user
    )
    assert raw.startswith("crk_") and len(raw) > 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert raw not in {str(v) for v in stored.values()}
    assert services.authenticate(raw) == token
    assert services.authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_creating_and_revoking_are_audited(administrator, service_account):
    token, raw = services.create_token(
        user=service_account, name="CAD system", actor=administrator.user
    )
    created = AuditEvent.objects.get(action="api.token_created")
    assert created.actor_id == str(administrator.user.pk)
    assert created.target_id == str(token.pk)
    assert created.details["user_id"] == service_account.pk
    assert created.details["roles"] == ["deputy"]
    assert raw not in str(created.details)

    services.revoke(token, actor=administrator.user)
    revoked = AuditEvent.objects.get(action="api.token_revoked")
    assert revoked.actor_id == str(administrator.user.pk) and revoked.target_id == str(token.pk)
    services.revoke(token, actor=administrator.user)  # again: nothing changes
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_only_administrators_create_or_revoke_tokens(service_account):
    supervisor = verified(make_staff("supervisor"))
    with pytest.raises(PermissionDenied):
        services.create_token(user=service_account, name="Mine", actor=supervisor)
    token, _raw = services.create_token(user=service_account, name="CAD")
    with pytest.raises(PermissionDenied):
        services.revoke(token, actor=supervisor)


# Separation of duties: tokens never act as a person --------------------------------------


def test_no_token_is_made_for_a_person(administrator, deputy):
    """An administrator could once make a token for a deputy and search the registry in
    the deputy's name."""
    for person in (deputy.user, administrator.user):
        with pytest.raises(ValidationError, match="service accounts only"):
            services.create_token(user=person, name="CAD", actor=administrator.user)
    assert not ApiToken.objects.exists()
    # Nor through the console, nor on the server.
    response = administrator.post(
        reverse("api-tokens:create"), {"account": deputy.user.pk, "name": "CAD"}
    )
    assert response.status_code == 400
    assert "Choose an active service account" in response.content.decode()
    with pytest.raises(CommandError, match="service accounts only"):
        call_command("create_api_token", deputy.user.email, name="CAD", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_a_persons_token_from_before_does_not_work(deputy):
    """A token made for a person before service accounts existed opens nothing."""
    _row, raw = tokens.issue(
        ApiToken,
        purpose=PURPOSE,
        revoke_earlier_for=None,
        secret=tokens.new_secret(services.TOKEN_PREFIX),
        user=deputy.user,
        name="Old",
        prefix="crk_old",
    )
    assert services.authenticate(raw) is None
    assert Client(**bearer(raw)).get(NEARBY).status_code == 401


def test_the_migration_revokes_persons_tokens_and_audits_each(deputy, service_account):
    old, _raw = tokens.issue(
        ApiToken,
        purpose=PURPOSE,
        revoke_earlier_for=None,
        secret=tokens.new_secret(services.TOKEN_PREFIX),
        user=deputy.user,
        name="Old CAD",
        prefix="crk_old",
    )
    kept, _raw = services.create_token(user=service_account, name="CAD")
    migration = importlib.import_module(MIGRATION)
    migration.revoke_person_tokens(apps, None)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.revoked_at is not None and kept.revoked_at is None
    event = AuditEvent.objects.get(action="api.token_revoked")
    assert event.actor_type == ActorType.SYSTEM and event.target_id == str(old.pk)
    assert event.details["reason"] == "service_accounts_only"
    migration.revoke_person_tokens(apps, None)  # again: nothing more
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


# Using a token -------------------------------------------------------------------------------


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


def test_a_revoked_token_is_401(administrator, service_account):
    token, raw = services.create_token(user=service_account, name="CAD")
    assert Client(**bearer(raw)).get(NEARBY).status_code == 422  # authenticated, no params
    services.revoke(token, actor=administrator.user)
    response = Client(**bearer(raw)).get(NEARBY)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_deactivating_the_account_revokes_its_tokens_for_good(administrator, service_account):
    first, raw = services.create_token(user=service_account, name="CAD")
    second, other_raw = services.create_token(user=service_account, name="Records")
    deactivate(service_account, actor=administrator.user, request=None, reason="Contract ended")
    for token in (first, second):
        token.refresh_from_db()
        assert token.revoked_at is not None
    assert Client(**bearer(raw)).get(NEARBY).status_code == 401
    revoked = AuditEvent.objects.filter(action="api.token_revoked").order_by("pk")
    assert [e.target_id for e in revoked] == [str(first.pk), str(second.pk)]
    assert {e.details["reason"] for e in revoked} == {"account_deactivated"}
    assert {e.actor_id for e in revoked} == {str(administrator.user.pk)}

    # Reactivating the account does not bring them back.
    reactivate(service_account, actor=administrator.user, request=None)
    assert Client(**bearer(raw)).get(NEARBY).status_code == 401
    assert Client(**bearer(other_raw)).get(NEARBY).status_code == 401
    _new, new_raw = services.create_token(user=service_account, name="CAD again")
    assert Client(**bearer(new_raw)).get(NEARBY).status_code == 422


def test_last_use_is_recorded_on_the_token_and_the_account(service_account, api_token):
    token = ApiToken.objects.get(user=service_account)
    assert token.last_used_at is None and service_account.last_login is None
    Client(**bearer(api_token)).get(NEARBY)
    token.refresh_from_db()
    service_account.refresh_from_db()
    assert token.last_used_at is not None
    # Used by the system means not inactive: the daily job leaves the account alone.
    assert service_account.last_login == token.last_used_at


def test_the_command_prints_the_token_once(service_account):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "kern cad", name="CAD", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert services.authenticate(raw).user == service_account
    assert raw not in err.getvalue()
    assert AuditEvent.objects.filter(action="api.token_created").count() == 1
    call_command("create_api_token", service_account.email, name="CAD 2", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody@example.org", name="CAD", stdout=out)


# The console pages ----------------------------------------------------------------------


def admin_client() -> Client:
    return staff_client("administrator")


def test_an_administrator_creates_a_token_and_sees_it_once(service_account):
    client = admin_client()
    page = client.get(reverse("api-tokens:create"), {"account": service_account.pk})
    assert page.status_code == 200
    assert page.context["form"]["account"].value() == service_account.pk
    response = client.post(
        reverse("api-tokens:create"), {"account": service_account.pk, "name": "CAD"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert services.authenticate(raw).user == service_account

    listing = client.get(reverse("api-tokens:list")).content.decode()
    assert "CAD" in listing and raw[:12] in listing and raw not in listing
    assert "Kern CAD" in listing
    mine = client.get(reverse("api-tokens:list"), {"account": service_account.pk})
    assert list(mine.context["tokens"]) == [ApiToken.objects.get()]


def test_only_service_accounts_are_offered(service_account, deputy):
    page = admin_client().get(reverse("api-tokens:create"))
    offered = list(page.context["form"].fields["account"].queryset)
    assert offered == [service_account]


def test_without_a_service_account_the_page_says_to_create_one(db):
    page = admin_client().get(reverse("api-tokens:create")).content.decode()
    assert "no active service account yet" in page
    assert reverse("staff:service-account-create") in page


def test_the_form_names_what_is_missing(service_account):
    response = admin_client().post(reverse("api-tokens:create"), {"name": ""})
    assert response.status_code == 400
    assert "Choose the service account" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_a_token(service_account, api_token):
    token = ApiToken.objects.get(user=service_account)
    client = admin_client()
    response = client.post(reverse("api-tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(**bearer(api_token)).get(NEARBY).status_code == 401


def test_other_roles_cannot_manage_tokens(service_account):
    client = staff_client("supervisor")
    assert client.get(reverse("api-tokens:list")).status_code == 403
    assert (
        client.post(
            reverse("api-tokens:create"), {"account": service_account.pk, "name": "x"}
        ).status_code
        == 403
    )
    assert not ApiToken.objects.exists()


def test_the_menu_shows_api_tokens_to_administrators():
    page = admin_client().get(reverse("console:home")).content.decode()
    assert reverse("api-tokens:list") in page


def test_a_service_account_never_gets_into_the_console(api_client, service_account):
    """Its token works for the API only; the console ignores it, and no session exists."""
    assert api_client.get(reverse("console:home")).status_code == 302
    assert api_client.get(reverse("canvass:cases")).status_code == 302
