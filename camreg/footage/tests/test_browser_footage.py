"""Footage request pages in a real browser: axe-core (WCAG 2.1 A/AA) on the registrant's
answer page in English and Spanish at phone and desktop width, answering by keyboard, and
the console's request, dashboard and detail pages; no CSP violations, no sideways scroll."""

from __future__ import annotations

import re

import pytest

from camreg.canvass.models import Case
from camreg.footage import services
from camreg.footage.models import FootageRequest, Status
from camreg.outreach.models import OutboxMessage
from camreg.registry.models import Camera
from camreg.testing.browser import check_page
from camreg.testing.staff import sign_in_browser

from .conftest import INCIDENT_END, INCIDENT_START

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = ["desktop", "phone"]


@pytest.fixture
def data(deputy, owner):
    case = Case.objects.create(
        case_number="KC2026-004711",
        incident_type="Burglary",
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=300,
        start=INCIDENT_START,
        end=INCIDENT_END,
        created_by=deputy.user,
    )

    def cameras(*labels: str) -> list[dict]:
        return [{"label": label, "retention_days": 30 + n} for n, label in enumerate(labels)]

    ana = owner("Ana Ruiz", language="es", cameras=cameras("Entrada", "Cochera"))
    ben = owner("Ben Ortiz", cameras=cameras("Porch"))
    ids = list(Camera.objects.values_list("pk", flat=True))
    requests = services.create_requests(
        case, ids, actor=deputy.user, message="Looking for a white pickup truck."
    )
    tokens = {}
    for message in OutboxMessage.objects.filter(template="footage_request"):
        tokens[message.to_address] = re.search(r"/footage/([\w-]+)/", message.body_text).group(1)
    return {
        "deputy": deputy,
        "case": case,
        "requests": {r.registrant.name: r for r in requests},
        "tokens": {"Ana Ruiz": tokens[ana.email], "Ben Ortiz": tokens[ben.email]},
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("who,language", [("Ben Ortiz", "en"), ("Ana Ruiz", "es")])
def test_answer_page(new_page, data, viewport, who, language):
    page = new_page(viewport)
    page.goto(f"/footage/{data['tokens'][who]}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_text("KC2026-004711").is_visible()
    check_page(page, f"answer page ({language})", viewport)

    # Without choosing an answer: the error summary.
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()
    check_page(page, f"answer page with an error ({language})", viewport)

    # By keyboard: Space picks an answer, Enter on the button sends it.
    page.locator('[name="answer"][value="will_provide"]').focus()
    page.keyboard.press("Space")
    page.locator('[name="note"]').fill("Evenings are best.")
    page.locator("main button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == language
    check_page(page, f"thanks page ({language})", viewport)
    request = FootageRequest.objects.get(pk=data["requests"][who].pk)
    assert request.status == Status.ANSWERED and request.answer == "will_provide"

    page.goto(f"/footage/{data['tokens'][who]}/")
    check_page(page, f"used link page ({language})", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_switch_language_on_the_answer_page(new_page, data, viewport):
    page = new_page(viewport)
    page.goto(f"/footage/{data['tokens']['Ana Ruiz']}/")
    with page.expect_navigation():
        page.locator('header a[lang="en"]').click()
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "answer page switched to English", viewport)


@pytest.fixture
def signed_in_page(new_page, data):
    def open_page(viewport: str):
        page = new_page(viewport)
        sign_in_browser(page, data["deputy"])
        return page

    return open_page


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_console_pages(signed_in_page, data, viewport):
    page = signed_in_page(viewport)
    camera_query = "&".join(f"camera={pk}" for pk in Camera.objects.values_list("pk", flat=True))
    page.goto(f"/console/footage/new/?case={data['case'].pk}&{camera_query}")
    assert page.get_by_role("button", name="Send 2 requests").is_visible()
    check_page(page, "request footage", viewport)

    page.goto("/console/footage/")
    assert page.locator("h1").inner_text() == "Footage requests"
    check_page(page, "footage dashboard", viewport)

    page.get_by_role("link", name=f"Request #{data['requests']['Ana Ruiz'].pk}").first.click()
    page.wait_for_url(re.compile(r"/console/footage/\d+/$"))
    check_page(page, "footage request detail", viewport)

    page.select_option('[name="contact-kind"]', "visit")
    page.select_option('[name="contact-outcome"]', "left_message")
    page.fill('[name="contact-note"]', "Left a card at the door.")
    with page.expect_navigation():
        page.get_by_role("button", name="Log contact").click()
    assert page.get_by_text("Left a card at the door.").is_visible()
    check_page(page, "footage request detail after logging", viewport)
