"""Every URL of the staff accounts app answers each kind of visitor as accounts/access.py says."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from camreg.accounts.access import URL_ACCESS
from camreg.testing import access as matrix

pytestmark = pytest.mark.django_db


def test_every_accounts_url_is_in_the_table():
    mine = {n for n in matrix.url_names() if n.startswith(("accounts:", "staff:"))}
    assert mine == set(URL_ACCESS)


def test_accounts_urls_answer_as_documented(visitors):
    fixtures, clients = visitors
    wrong = []
    for name, access in URL_ACCESS.items():
        url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
        for visitor, client in clients.items():
            status = client.get(url).status_code
            want = matrix.expected(access, visitor)
            if status != want:
                wrong.append(f"{name} as {visitor}: got {status}, documented {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "name", ["accounts:sign-in", "accounts:password-reset", "accounts:sign-out"]
)
def test_forms_refuse_posts_without_the_csrf_token(name):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse(name), {"email": "x@example.org", "password": "x"})
    assert response.status_code == 403
