"""Every URL answers each kind of visitor as documented in the apps' access.py files.

Visitors: anonymous, registrant A and registrant B (each in a magic-link portal session),
and one verified staff member per role. A URL in the resolver without an entry fails.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from camreg.testing.access import documented, expected, url_names
from camreg.testing.staff import make_staff
from camreg.web.access import API

pytestmark = pytest.mark.django_db


def test_every_url_is_documented():
    missing = sorted(set(url_names()) - set(documented()))
    assert not missing, f"URLs without an entry in an access.py URL_ACCESS table: {missing}"


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
    user = make_staff("administrator", enrolled=False)
    client = Client()
    client.force_login(user)  # password only, no TOTP step
    response = client.get(reverse("console:home"))
    assert response.status_code == 302


LINK_SECRET_ROUTES = {"evidence-public:owner-files", "evidence-public:owner-file"}


def test_every_url_refuses_a_post_without_csrf_token(visitors):
    """No view is exempt from CSRF protection but the API's bearer-token routes and the
    owner's tus endpoint, which authenticates by the link secret in its URL and uses no
    cookies (decision 0025)."""
    fixtures, clients = visitors
    table = documented()
    for visitor in ("anonymous", "registrant_a", "administrator"):
        client = clients[visitor]
        client.handler.enforce_csrf_checks = True
        for name in url_names():
            access = table[name]
            if access.kind == API:  # bearer tokens, no cookies: exempt from CSRF
                continue
            if name in LINK_SECRET_ROUTES:  # the secret is in the URL, no cookies
                continue
            url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
            status = client.post(url, {"anything": "x"}).status_code
            assert status == 403, f"{name} as {visitor}: POST without CSRF token gave {status}"
