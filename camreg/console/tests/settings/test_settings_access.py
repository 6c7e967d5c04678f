"""Who may open program settings: program coordinators and administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.testing.staff import staff_client

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("settings:settings"),
    reverse("settings:profile"),
    reverse("settings:boundary"),
    reverse("settings:terms"),
    reverse("settings:terms-create"),
    reverse("settings:emails"),
    reverse("settings:email-edit", args=["goodbye", "en"]),
    reverse("settings:confirm-mode"),
    reverse("settings:limits"),
]


@pytest.mark.parametrize("role", ["program_coordinator", "administrator"])
def test_coordinators_and_administrators_may_open_settings(role):
    client = staff_client(role)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "role", ["deputy", "investigator", "supervisor", "evidence_custodian", "auditor"]
)
def test_other_roles_get_403(role):
    client = staff_client(role)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("settings:confirm-mode"), {"confirm_mode": "automatic"})
    assert response.status_code == 403


def test_the_overview_links_every_section(coordinator):
    body = coordinator.get(reverse("settings:settings")).content.decode()
    for url in PAGES[1:4] + [reverse("settings:emails"), PAGES[-2], PAGES[-1]]:
        assert f'href="{url}"' in body
    assert "Version 1 is current" in body
    from camreg.outreach import email_texts

    assert f"All {len(email_texts.EMAILS) * 2} emails use the shipped text." in body


def test_the_overview_names_the_evidence_retention_categories(coordinator):
    """Evidence retention is per category (the evidence app's), not one agency number."""
    from camreg.evidence.models import RetentionCategory

    body = coordinator.get(reverse("settings:settings")).content.decode()
    default = RetentionCategory.objects.get(is_default=True)
    assert f"{default.name} {default.retention_days} days (the default)" in body
    assert "Evidence kept" not in body
