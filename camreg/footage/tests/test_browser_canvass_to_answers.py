"""From incident to answers: a deputy creates a case from an address, finds the cameras in the
right order, asks two owners for footage; each owner opens the email's link and answers (one
in Spanish); the deputy's dashboard shows both answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from camreg.footage.models import FootageRequest
from camreg.registry.models import Camera, Registrant
from camreg.testing.browser import assert_accessible
from camreg.testing.canvass import CASE_NUMBER, TRUXTUN, local, scene_fixture
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def _answer_link(address: str) -> str:
    message = [m for m in mail.outbox if m.to == [address]][-1]
    link = re.search(r"https?://\S+/footage/\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_case_search_requests_and_answers(new_page, deputy, address_points, viewport):
    scene_fixture(TRUXTUN)
    Registrant.objects.filter(name="Ben Away").update(language="es")
    page = new_page(viewport)
    sign_in_browser(page, deputy)

    page.goto("/console/canvass/new/")
    start = (timezone.now() - timedelta(days=5)).replace(second=0, microsecond=0)
    page.fill('[name="case_number"]', CASE_NUMBER)
    page.fill('[name="incident_type"]', "Burglary")
    page.fill('[name="address"]', "1200 Truxtun Ave, Bakersfield, CA 93301")
    page.fill('[name="start"]', local(start))
    page.fill('[name="end"]', local(start + timedelta(hours=1)))
    page.locator('label[for="id_purpose"]').click()
    with page.expect_navigation():
        page.click("form.canvass-case-form button[type=submit]")

    # The list puts the camera facing the scene with video left first, the one facing away
    # after the facing ones, and the one whose video is gone last.
    listed = page.locator("ol.canvass-results .canvass-result__title").all_text_contents()
    order = [
        next(i for i, t in enumerate(listed) if label in t)
        for label in ("Faces north", "Far north", "Faces south", "Short memory")
    ]
    assert order == sorted(order), listed
    assert page.locator("#canvass-results-map .canvass-map-marker").count() == 5

    # Ask Ana (faces the scene) and Ben (faces away, Spanish-speaking) for their footage.
    for label in ("Faces north", "Faces south"):
        camera = Camera.objects.get(label=label)
        page.locator(f'label[for="select-camera-{camera.pk}"]').click()
    with page.expect_navigation():
        page.click("text=Request footage from the selected cameras")
    assert_accessible(page, "footage request form")
    page.fill('[name="message"]', "Please check your camera for people on foot.")
    with page.expect_navigation():
        page.click('button[name="action"][value="send"]')
    assert FootageRequest.objects.count() == 2

    # Each owner gets an email in their language and answers from its link.
    for address, answer, language in (
        ("ana@example.com", "will_provide", "en"),
        ("ben@example.com", "no_footage", "es"),
    ):
        owner_page = new_page(viewport)
        owner_page.goto(_answer_link(address))
        assert owner_page.locator("html").get_attribute("lang") == language
        assert CASE_NUMBER in owner_page.locator("main").inner_text()
        assert_accessible(owner_page, f"answer page ({language})")
        radio = owner_page.locator(f'input[name="answer"][value="{answer}"]')
        owner_page.locator(f'label[for="{radio.get_attribute("id")}"]').click()
        with owner_page.expect_navigation():
            owner_page.click("form.usa-form button[type=submit]")
        assert_accessible(owner_page, f"answer thanks ({language})")
    spanish = [m for m in mail.outbox if m.to == ["ben@example.com"]][-1]
    assert "Por favor" in spanish.body or "cámara" in spanish.body

    # The dashboard shows both answers.
    page.goto("/console/footage/?show=all")
    text = page.locator("main").inner_text()
    assert "Ana Facing" in text and "Ben Away" in text
    assert "I will provide it" in text and "I have no footage for that time" in text
    assert_accessible(page, "footage dashboard")
    answers = dict(FootageRequest.objects.values_list("registrant__name", "answer"))
    assert answers == {"Ana Facing": "will_provide", "Ben Away": "no_footage"}
