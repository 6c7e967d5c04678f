"""Every sign-in and staff administration page passes axe-core (WCAG 2.1 A and AA) on a
phone and a desktop, with no Content-Security-Policy violation, walking the real flows in
Chromium: sign-in with a code, first sign-in with QR enrolment, password reset, invitation,
lockout, and the staff pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from camreg.accounts import services
from camreg.accounts.models import TokenPurpose
from camreg.testing.browser import VIEWPORTS, assert_accessible
from camreg.testing.staff import PASSWORD, device_of, make_staff, totp_now

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def check(page, label: str) -> None:
    assert_accessible(page, label)
    assert not page.csp_violations, page.csp_violations


def submit(page) -> None:
    with page.expect_navigation():
        page.locator('main button[type="submit"]').first.click()


def password_step(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/staff/sign-in/")
    page.fill('[name="email"]', email)
    page.fill('[name="password"]', password)
    submit(page)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_sign_in_and_staff_pages_are_accessible(new_page, viewport):
    admin = make_staff("administrator", email="alex.admin@example.org", full_name="Alex Admin")
    page = new_page(viewport)

    page.goto("/staff/sign-in/")
    check(page, "sign-in")
    page.fill('[name="email"]', admin.email)
    page.fill('[name="password"]', "not the password")
    submit(page)
    check(page, "sign-in with an error")

    password_step(page, admin.email)
    assert page.url.endswith("/staff/sign-in/code/")
    check(page, "code")
    page.fill('[name="code"]', "000000")
    submit(page)
    check(page, "code with an error")
    page.wait_for_timeout(1100)  # the authenticator's own back-off after a wrong code
    page.fill('[name="code"]', totp_now(device_of(admin)))
    submit(page)
    assert page.url.endswith("/console/"), page.url

    for path in ("/console/staff/", "/console/staff/invite/", f"/console/staff/{admin.pk}/"):
        page.goto(path)
        check(page, path)
    page.goto("/console/staff/invite/")
    submit(page)
    check(page, "invite with errors")
    page.fill('[name="email"]', "dee.newman@example.org")
    page.fill('[name="full_name"]', "Dee Newman")
    page.locator('label[for="id_roles_0"]').click()
    submit(page)
    assert "/console/staff/" in page.url
    check(page, "detail of an invited person, with a message")
    page.locator('label[for="id_roles_1"]').click()
    page.locator('label[for="id_roles_0"]').click()
    page.locator('label[for="id_roles_1"]').click()
    submit(page)
    check(page, "detail with a roles error")

    page.goto("/console/staff/service-accounts/new/")
    check(page, "service account form")
    submit(page)
    check(page, "service account form with errors")
    page.fill('[name="name"]', "Kern CAD dispatch")
    page.locator('label[for="id_roles_0"]').click()
    submit(page)
    check(page, "a service account's page")

    # Dee's sign-in is locked: the list and the page say so, with an unlock button.
    AccessAttempt.objects.create(
        username="dee.newman@example.org",
        ip_address="198.51.100.7",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/staff/sign-in/",
    )
    page.goto("/console/staff/")
    check(page, "staff list with a locked account and a service account")
    page.get_by_role("link", name="Dee Newman").first.click()
    check(page, "a locked person's page")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_enrolment_and_recovery_codes_are_accessible(new_page, viewport):
    newcomer = make_staff("deputy", email="nia.new@example.org", enrolled=False)
    page = new_page(viewport)
    password_step(page, newcomer.email)
    assert page.url.endswith("/staff/sign-in/set-up/")
    check(page, "enrolment with the QR code")
    assert page.locator("svg[role=img] title").count() == 1
    page.fill('[name="code"]', "12")
    submit(page)
    check(page, "enrolment with an error")
    page.fill('[name="code"]', totp_now(device_of(newcomer, confirmed=False)))
    submit(page)
    assert page.url.endswith("/staff/sign-in/recovery-codes/")
    check(page, "recovery codes")
    assert page.locator("main ol li code").count() == 10


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_reset_invitation_and_lockout_pages_are_accessible(new_page, viewport):
    person = make_staff("deputy", email="dana.deputy@example.org", full_name="Dana Deputy")
    page = new_page(viewport)
    for path in ("/staff/password-reset/", "/staff/password-reset/sent/"):
        page.goto(path)
        check(page, path)
    page.goto("/staff/password-reset/")
    submit(page)
    check(page, "password reset with an error")
    page.goto("/staff/password-reset/not-a-real-token/")
    check(page, "a dead link")

    reset = services.issue_token(person, TokenPurpose.PASSWORD_RESET, lifetime=timedelta(hours=1))
    page.goto(f"/staff/password-reset/{reset}/")
    check(page, "choose a new password")
    page.fill('[name="new_password1"]', "short")
    page.fill('[name="new_password2"]', "other")
    submit(page)
    check(page, "choose a new password, with errors")

    invited = make_staff("deputy", email="dee.newman@example.org", enrolled=False, password=None)
    invitation = services.issue_token(invited, TokenPurpose.INVITATION, lifetime=timedelta(days=7))
    page.goto(f"/staff/invitation/{invitation}/")
    check(page, "invitation")

    for _ in range(5):
        password_step(page, person.email, "not the password")
    assert "Sign-in locked" in page.content()
    check(page, "locked out")
