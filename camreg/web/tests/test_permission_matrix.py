"""Every URL answers each kind of visitor as documented in the apps' access.py files.

Visitors: anonymous, registrant A and registrant B (each in a magic-link portal session),
and one verified staff member per role. A URL in the resolver without an entry fails.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts.models import User
from camreg.accounts.roles import ROLE_PERMISSIONS, Role
from camreg.registry import portal
from camreg.registry.models import Camera, Registrant, Site
from camreg.web.access import API, PORTAL, PUBLIC, SIGN_IN, STAFF, Access

pytestmark = pytest.mark.django_db


def url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(url_names(entry.url_patterns, ns))
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def documented() -> dict[str, Access]:
    table: dict[str, Access] = {}
    for app in settings.INSTALLED_APPS:
        if not app.startswith("camreg."):
            continue
        try:
            module = importlib.import_module(f"{app}.access")
        except ModuleNotFoundError:
            continue
        table.update(getattr(module, "URL_ACCESS", {}))
    return table


def test_every_url_is_documented():
    missing = sorted(set(url_names()) - set(documented()))
    assert not missing, f"URLs without an entry in an access.py URL_ACCESS table: {missing}"


@dataclass
class Fixtures:
    registrant_a: Registrant
    registrant_b: Registrant
    camera_a: Camera


def _registrant(name: str) -> tuple[Registrant, Camera]:
    registrant = Registrant.objects.create(
        kind="resident", name=name, email=f"{name.lower()}@example.com", status="active"
    )
    site = Site.objects.create(
        registrant=registrant,
        street="1200 Truxtun Ave",
        city="Bakersfield",
        postcode="93301",
        latitude=35.3733,
        longitude=-119.021,
        location_source="pin",
    )
    camera = Camera.objects.create(
        site=site,
        label="Front",
        direction=90,
        retention_days=30,
        system_type="other",
        photo="camera-photos/matrix.jpg",
    )
    return registrant, camera


def _portal_client(registrant: Registrant) -> Client:
    client = Client()
    session = client.session
    session[portal.SESSION_KEY] = {"id": str(registrant.public_id), "expires": 4102444800}
    session.save()
    return client


def _staff_client(role: str) -> Client:
    user = User.objects.create_user(
        f"{role}@example.org", "correct-horse-battery", full_name=role.title(), roles=[role]
    )
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def visitors(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("camera-photos/matrix.jpg", ContentFile(b"\xff\xd8\xff\xd9"))
    a, camera_a = _registrant("Alice")
    b, _ = _registrant("Bob")
    clients = {
        "anonymous": Client(),
        "registrant_a": _portal_client(a),
        "registrant_b": _portal_client(b),
    }
    for role in Role.values:
        clients[role] = _staff_client(role)
    return Fixtures(a, b, camera_a), clients


def expected(access: Access, visitor: str) -> int | tuple[int, ...]:
    if access.kind in (PUBLIC, SIGN_IN):
        return access.ok
    if access.kind == PORTAL:
        if visitor == "registrant_a":
            return access.ok
        if visitor == "registrant_b":
            return access.other if access.owner_only else access.ok
        return access.denied if access.denied is not None else 302
    if access.kind == STAFF:
        if visitor in Role.values:
            if visitor in ROLE_PERMISSIONS[access.permission]:
                return access.ok
            return access.denied if access.denied is not None else 403
        return 302
    if access.kind == API:  # no visitor here sends a bearer token
        return access.denied if access.denied is not None else 401
    raise AssertionError(f"unknown access kind {access.kind}")


def test_every_url_answers_as_documented(visitors):
    fixtures, clients = visitors
    table = documented()
    wrong = []
    for name in url_names():
        access = table[name]
        url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
        for visitor, client in clients.items():
            status = client.get(url).status_code
            want = expected(access, visitor)
            if status != want:
                wrong.append(f"{name} as {visitor}: got {status}, documented {want}")
    assert not wrong, "\n".join(wrong)


def test_staff_without_second_factor_is_treated_as_signed_out(db):
    user = User.objects.create_user(
        "half@example.org", "correct-horse-battery", full_name="Half", roles=["administrator"]
    )
    client = Client()
    client.force_login(user)  # password only, no TOTP step
    response = client.get(reverse("console:home"))
    assert response.status_code == 302


def test_every_url_refuses_a_post_without_csrf_token(visitors):
    """No view is exempt from CSRF protection but the API's bearer-token routes."""
    fixtures, clients = visitors
    table = documented()
    for visitor in ("anonymous", "registrant_a", "administrator"):
        client = clients[visitor]
        client.handler.enforce_csrf_checks = True
        for name in url_names():
            access = table[name]
            if access.kind == API:  # bearer tokens, no cookies: exempt from CSRF
                continue
            url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
            status = client.post(url, {"anything": "x"}).status_code
            assert status == 403, f"{name} as {visitor}: POST without CSRF token gave {status}"
