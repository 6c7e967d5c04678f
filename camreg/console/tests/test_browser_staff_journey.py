"""An administrator invites a deputy; the deputy sets up the account with an authenticator
app, signs in and opens a registrant; an auditor finds that view in the audit log."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pyotp
import pytest
from django.core import mail

from camreg.audit.models import AuditEvent
from camreg.registry.models import Registrant, Site
from camreg.testing.browser import assert_accessible
from camreg.testing.staff import PASSWORD, device_of, make_staff, totp_now

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

DEPUTY_PASSWORD = "violet-canyon-lantern-42"


def sign_in(page, email: str, password: str, code: str) -> None:
    page.goto("/staff/sign-in/")
    page.fill("[name=email]", email)
    page.fill("[name=password]", password)
    page.click("form.usa-form button[type=submit]")
    page.wait_for_url("**/staff/sign-in/code/")
    page.fill("[name=code]", code)
    page.click("form.usa-form button[type=submit]")
    page.wait_for_url("**/console/")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_invited_deputy_view_is_found_by_the_auditor(new_page, viewport):
    admin = make_staff("administrator", email="ada.admin@example.org", full_name="Ada Admin")
    auditor = make_staff("auditor", email="otto.auditor@example.org", full_name="Otto Auditor")
    registrant = Registrant.objects.create(
        kind="resident", name="Rosa Fuentes", email="rosa@example.com", status="active"
    )
    Site.objects.create(
        registrant=registrant,
        street="1200 Truxtun Ave",
        city="Bakersfield",
        postcode="93301",
        latitude=35.3733,
        longitude=-119.021,
        location_source="pin",
    )

    # The administrator signs in with password and code, and invites a deputy.
    page = new_page(viewport)
    sign_in(page, admin.email, PASSWORD, totp_now(device_of(admin)))
    assert_accessible(page, "console home")
    page.goto("/console/staff/invite/")
    page.fill("[name=email]", "dana.deputy@example.org")
    page.fill("[name=full_name]", "Dana Deputy")
    page.locator("label[for]", has_text=re.compile(r"^Deputy$")).click()
    assert_accessible(page, "invite form")
    page.click("form.usa-form button[type=submit]")
    invitation = [m for m in mail.outbox if m.to == ["dana.deputy@example.org"]][-1]
    link = re.search(r"https?://\S+/staff/invitation/\S+", invitation.body).group(0)

    # The deputy sets a password and enrols an authenticator app.
    deputy_page = new_page(viewport)
    deputy_page.goto(re.sub(r"^https?://[^/]+", "", link))
    assert_accessible(deputy_page, "invitation")
    deputy_page.fill("[name=new_password1]", DEPUTY_PASSWORD)
    deputy_page.fill("[name=new_password2]", DEPUTY_PASSWORD)
    deputy_page.click("form.usa-form button[type=submit]")
    deputy_page.wait_for_url("**/staff/sign-in/set-up/")
    assert_accessible(deputy_page, "authenticator set-up")
    secret = deputy_page.locator("code.font-mono-md").first.inner_text().replace(" ", "")
    deputy_page.fill("[name=code]", pyotp.TOTP(secret).now())
    deputy_page.click("form.usa-form button[type=submit]")
    deputy_page.wait_for_url("**/staff/sign-in/recovery-codes/**")
    assert_accessible(deputy_page, "recovery codes")
    deputy_page.click("a.usa-button")
    deputy_page.wait_for_url("**/console/")

    # The deputy opens the registrant.
    deputy_page.goto(f"/console/registrants/{registrant.pk}/")
    assert "Rosa Fuentes" in deputy_page.locator("main").inner_text()
    assert_accessible(deputy_page, "registrant detail")
    view = AuditEvent.objects.filter(action="registrant.viewed", target_id=str(registrant.pk)).get()

    # The auditor signs in and finds that view with the deputy's name, time and IP.
    auditor_page = new_page(viewport)
    sign_in(auditor_page, auditor.email, PASSWORD, totp_now(device_of(auditor)))
    auditor_page.goto("/console/audit/?action=registrant.viewed")
    assert_accessible(auditor_page, "audit log filtered")
    row = auditor_page.locator("tbody tr", has_text="registrant.viewed").first
    text = row.inner_text()
    assert "Dana Deputy" in text
    assert f"#{registrant.pk}" in text
    assert "127.0.0.1" in text
    shown = view.at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert shown.strftime("%Y-%m-%d %H:%M:%S") in text  # the agency's local time
