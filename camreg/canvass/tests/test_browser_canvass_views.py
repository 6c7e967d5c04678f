"""A deputy creates a case from an address in the browser, sees the cameras on the map and in
the list in the right order, and prints the contact sheet; every page passes axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from camreg.testing.browser import check_page
from camreg.testing.canvass import CASE_NUMBER, TRUXTUN, local, scene_fixture
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_deputy_creates_a_case_and_sees_the_cameras(new_page, deputy, address_points, viewport):
    scene_fixture(TRUXTUN)
    page = new_page(viewport)
    sign_in_browser(page, deputy)

    page.goto("/console/canvass/")
    assert page.locator("h1").inner_text() == "Canvass cases"
    check_page(page, "case list (empty)", viewport)

    page.click("text=New case")
    page.wait_for_url("**/console/canvass/new/")
    check_page(page, "new case form", viewport)
    # Only the address fields show for an address; the drawing map is there.
    assert page.locator('[name="address"]').is_visible()
    assert not page.locator('[name="polygon"]').is_visible()
    assert page.locator("#canvass-draw-map").is_visible()

    # Selecting a point on the map fills the latitude and longitude.
    page.locator('label[for="id_where_1"]').click()
    page.locator("#canvass-draw-map").click(position={"x": 60, "y": 60})
    assert page.locator('[name="latitude"]').input_value() != ""
    assert page.locator('[name="longitude"]').input_value() != ""

    # Sent with problems: the error summary names the fields.
    page.locator('label[for="id_where_0"]').click()
    page.fill('[name="case_number"]', "12345")
    with page.expect_navigation():
        page.click("form.canvass-case-form button[type=submit]")
    summary = page.locator("#error-summary")
    assert "Case number: 12345 is not in the agency's format" in summary.inner_text()
    assert "Incident type: This field is required." in summary.inner_text()
    check_page(page, "new case form with errors", viewport)

    start = (timezone.now() - timedelta(days=5)).replace(second=0, microsecond=0)
    page.fill('[name="case_number"]', CASE_NUMBER)
    page.fill('[name="incident_type"]', "Burglary")
    page.fill('[name="address"]', "1200 Truxtun Ave, Bakersfield, CA 93301")
    page.fill('[name="start"]', local(start))
    page.fill('[name="end"]', local(start + timedelta(hours=1)))
    page.locator('label[for="id_purpose"]').click()
    with page.expect_navigation():
        page.click("form.canvass-case-form button[type=submit]")
    assert page.locator("h1").inner_text() == f"Case {CASE_NUMBER}"

    # The map shows every camera found, numbered as in the list.
    markers = page.locator("#canvass-results-map .canvass-map-marker")
    markers.first.wait_for()
    assert markers.count() == 5
    assert sorted(markers.all_inner_texts()) == ["1", "2", "3", "4", "A1"]
    titles = page.locator("#canvass-results-map .canvass-map-marker").evaluate_all(
        "els => els.map(e => e.getAttribute('title'))"
    )
    assert "1: Faces north" in titles
    listed = page.locator("ol.canvass-results .canvass-result__title").all_text_contents()
    expected = ["Faces north", "Far north", "Faces south", "Short memory"]
    assert [label in title for label, title in zip(expected, listed, strict=False)] == [True] * 4
    assert "Lapsed cam" in listed[4]
    check_page(page, "case page with results", viewport)

    # By keyboard: a marker opens its place in the list.
    page.locator("#canvass-results-map .canvass-map-marker").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id").startswith("camera-")

    page.click("text=Print contact sheet")
    page.wait_for_url("**/contact-sheet/?search=*")  # the sheet of the search shown
    assert "Ana Facing" in page.locator("table.contact-table").first.inner_text()
    check_page(page, "contact sheet", viewport)

    page.goto("/console/canvass/")
    assert CASE_NUMBER in page.locator("table").inner_text()
    check_page(page, "case list", viewport)
    assert page.csp_violations == []


def test_the_pages_work_without_javascript(new_page, deputy, address_points):
    scene_fixture()
    page = new_page("phone", javascript=False)
    sign_in_browser(page, deputy)
    page.goto("/console/canvass/new/")
    start = (timezone.now() - timedelta(days=5)).replace(second=0, microsecond=0)
    page.fill('[name="case_number"]', CASE_NUMBER)
    page.fill('[name="incident_type"]', "Burglary")
    page.locator('label[for="id_where_1"]').click()
    page.fill('[name="latitude"]', "35.3733")
    page.fill('[name="longitude"]', "-119.0187")
    page.fill('[name="start"]', local(start))
    page.fill('[name="end"]', local(start + timedelta(hours=1)))
    page.locator('label[for="id_purpose"]').click()
    with page.expect_navigation():
        page.click("form.canvass-case-form button[type=submit]")
    assert page.locator("h1").inner_text() == f"Case {CASE_NUMBER}"
    assert page.locator("ol.canvass-results > li").count() == 5
    check_page(page, "case page without JavaScript", "phone")
