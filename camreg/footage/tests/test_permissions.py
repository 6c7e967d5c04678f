"""The footage URLs answer every kind of visitor as camreg/footage/access.py documents
(the same check as the project-wide permission matrix, for this app's URLs alone)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.footage.access import URL_ACCESS
from camreg.testing.access import expected, url_names

pytestmark = pytest.mark.django_db


def test_every_footage_url_is_documented():
    names = {n for n in url_names() if n.startswith(("footage:", "footage-public:"))}
    assert names == set(URL_ACCESS)


def test_footage_urls_answer_as_documented(visitors):
    fixtures, clients = visitors
    wrong = []
    for name, access in URL_ACCESS.items():
        url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
        for visitor, client in clients.items():
            status = client.get(url).status_code
            want = expected(access, visitor)
            if status != want:
                wrong.append(f"{name} as {visitor}: got {status}, documented {want}")
    assert not wrong, "\n".join(wrong)


def test_footage_urls_refuse_a_post_without_csrf_token(visitors):
    fixtures, clients = visitors
    for visitor in ("anonymous", "registrant_a", "deputy"):
        client = clients[visitor]
        client.handler.enforce_csrf_checks = True
        for name, access in URL_ACCESS.items():
            url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
            status = client.post(url, {"anything": "x"}).status_code
            assert status == 403, f"{name} as {visitor}: POST without CSRF token gave {status}"
