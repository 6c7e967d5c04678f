"""Who may use the review queue and the registry pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events
from camreg.testing.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(make_registrant):
    return make_registrant("Pat Pending")


def test_a_deputy_cannot_review(deputy, pending):
    assert deputy.get(reverse("console:review")).status_code == 403
    confirm = reverse("console:review-confirm", kwargs={"pk": pending.pk})
    assert deputy.post(confirm).status_code == 403
    reject = reverse("console:review-reject", kwargs={"pk": pending.pk})
    assert deputy.post(reject, {"reason": "No"}).status_code == 403
    bulk = reverse("console:review-bulk-confirm")
    assert deputy.post(bulk, {"selected": [pending.pk]}).status_code == 403
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING_REVIEW
    assert mail.outbox == []
    assert events("review.queue_viewed") == []


def test_an_auditor_cannot_see_registrants(staff_client, pending):
    auditor = staff_client("auditor")
    for url in (
        reverse("console:registrants"),
        reverse("console:registrant", kwargs={"pk": pending.pk}),
        reverse("console:registry-map"),
        reverse("console:registry-map-data"),
        reverse("console:review"),
    ):
        response = auditor.get(url)
        assert response.status_code == 403, url
        assert "Pat Pending" not in response.content.decode()
    assert events("registrant.viewed") == []
    assert events("registry.searched") == []


@pytest.mark.parametrize("role", ["administrator", "evidence_custodian"])
def test_other_roles_without_registry_access(staff_client, pending, role):
    client = staff_client(role)
    assert client.get(reverse("console:registrant", kwargs={"pk": pending.pk})).status_code == 403


def test_signed_out_visitors_go_to_sign_in(pending):
    response = Client().get(reverse("console:registrant", kwargs={"pk": pending.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_password_without_second_factor_is_not_enough(pending):
    user = make_staff("deputy", enrolled=False)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("console:registrant", kwargs={"pk": pending.pk}))
    assert response.status_code == 302
    assert events("registrant.viewed") == []


def test_the_menu_lists_what_the_role_may_open(staff_client):
    coordinator = staff_client("program_coordinator")
    page = coordinator.get(reverse("console:home")).content.decode()
    for name in ("console:review", "console:registry-map", "console:registrants"):
        assert f'href="{reverse(name)}"' in page
    deputy = staff_client("deputy")
    page = deputy.get(reverse("console:home")).content.decode()
    assert f'href="{reverse("console:review")}"' not in page
    assert f'href="{reverse("console:registrants")}"' in page
