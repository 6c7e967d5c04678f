"""The console pages of registration review and the registry in a real browser: axe-core
(WCAG 2.1 A/AA) on every page at desktop and phone width, no CSP violations, no sideways
scrolling on a phone, the map's clusters, markers and cones, and keyboard use."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from camreg.canvass import index
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.testing.browser import check_page
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = ["desktop", "phone"]


@pytest.fixture
def registry_data(make_registrant):
    pending = make_registrant(
        "Ana Ruiz", email="ana@example.com", phone="+16615550123", language="es"
    )
    # One registration per email: the twin shares Ana's phone number.
    twin = make_registrant(
        "Ana R.", phone="+16615550123", street="9 Elm St", latitude=35.39, longitude=-119.02
    )
    near = make_registrant(
        "Active One", status=RegistrationStatus.ACTIVE, latitude=35.3733, longitude=-119.0210
    )
    make_registrant(
        "Active Two",
        status=RegistrationStatus.ACTIVE,
        street="1300 Truxtun Ave",
        latitude=35.3751,
        longitude=-119.0210,
    )
    make_registrant(
        "Busy Store",
        kind="business",
        business_name="Busy Store",
        status=RegistrationStatus.ACTIVE,
        street="5300 White Ln",
        latitude=35.33,
        longitude=-119.09,
        cameras=[{"label": f"Camera {n}", "direction": n * 15} for n in range(20)],
    )
    lapsed = make_registrant(
        "Lapsed Person",
        status=RegistrationStatus.LAPSED,
        street="2400 Ming Ave",
        latitude=35.352,
        longitude=-119.04,
        cameras=[{"direction": 0}, {"direction": 180, "field_of_view": 360}],
    )
    made = {"pending": pending, "twin": twin, "near": near, "lapsed": lapsed}
    for registrant in Registrant.objects.all():
        index.index_registrant(registrant)  # as the registry's sites_changed signal does
    return made


@pytest.fixture
def signed_in_page(new_page, staff_client):
    """A page whose browser is signed in as a program coordinator (second factor done)."""

    def open_page(viewport: str = "desktop", roles=("program_coordinator",)):
        page = new_page(viewport)
        sign_in_browser(page, staff_client(*roles, full_name="Carla Coordinator"))
        return page

    return open_page


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_review_pages(signed_in_page, registry_data, viewport):
    page = signed_in_page(viewport)
    page.goto("/console/review/")
    assert page.locator("h1").inner_text() == "Review queue"
    assert page.get_by_text("Same phone as").count() == 2
    assert page.locator("button.select-all").is_visible()  # the script ran
    check_page(page, "review queue", viewport)

    page.goto(f"/console/review/{registry_data['pending'].pk}/reject/")
    check_page(page, "reject page", viewport)
    with page.expect_navigation():
        page.get_by_role("button", name="Reject registration").click()
    assert page.locator("#error-summary").is_visible()
    check_page(page, "reject page with an error", viewport)

    # Bulk confirmation by keyboard: Space ticks a box, Enter on the button submits.
    page.goto("/console/review/")
    page.locator(f"#select-{registry_data['twin'].pk}").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Confirm selected").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("1 registration confirmed").is_visible()
    check_page(page, "review queue after confirming", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_registry_pages(signed_in_page, registry_data, viewport):
    page = signed_in_page(viewport)
    page.goto("/console/registrants/?q=ana")
    assert page.get_by_role("link", name="Ana Ruiz").is_visible()
    check_page(page, "registrant list", viewport)

    page.get_by_role("link", name="Ana Ruiz").click()
    page.wait_for_url(re.compile(r"/console/registrants/\d+/$"))
    assert page.get_by_text("ana@example.com").first.is_visible()
    check_page(page, "registrant detail", viewport)

    page.fill('[name="body"]', "Called; left a message.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    assert page.get_by_text("Called; left a message.").is_visible()
    check_page(page, "registrant detail with a note", viewport)

    page.goto(f"/console/registrants/{registry_data['near'].pk}/edit/")
    assert page.locator(".site-map.leaflet-container").is_visible()
    check_page(page, "edit on the registrant's behalf", viewport)
    with page.expect_navigation():
        page.locator('button.usa-button--big[name="action"][value="submit"]').click()
    assert page.locator("#error-summary").is_visible()  # the reason is required
    check_page(page, "edit with an error", viewport)


def _wait_for_status(page, pattern: str) -> str:
    """Wait until the map's status line (read out to screen readers) matches `pattern`."""
    status = page.locator("#map-status")
    page.wait_for_function(
        "(pattern) => new RegExp(pattern).test(document.getElementById('map-status').textContent)",
        arg=pattern,
    )
    return status.inner_text()


def _shown_zoom(page) -> str | None:
    """The zoom level of the answer the map shows (the script sets it after each answer)."""
    return page.locator("#registry-map").get_attribute("data-zoom")


def _wait_for_new_answer(page, zoom_before: str | None) -> None:
    page.wait_for_function(
        "(before) => document.getElementById('registry-map').dataset.zoom !== before",
        arg=zoom_before,
    )


def _zoom_into_clusters(page, *, by_keyboard: bool = False) -> None:
    """Select the first cluster counted on the server until the map shows cameras."""
    for _ in range(8):
        _wait_for_status(page, r"shown|No cameras")
        if page.locator("#registry-map").get_attribute("data-mode") == "cameras":
            return
        before = _shown_zoom(page)
        cluster = page.locator(".camera-cluster--area").first
        if by_keyboard:
            cluster.focus()
            page.keyboard.press("Enter")
        else:
            cluster.click()
        _wait_for_new_answer(page, before)
    raise AssertionError("the map never showed cameras")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_registry_map(signed_in_page, registry_data, viewport):
    page = signed_in_page(viewport)
    page.goto("/console/map/")
    # Zoomed out on the county: clusters counted on the server, active cameras only.
    _wait_for_status(page, r"^22 cameras shown in \d+ clusters?\.")
    assert page.locator(".camera-cluster--area").count() >= 1
    check_page(page, "camera map", viewport)

    # Filters are an ordinary form.
    page.locator('label[for="id_status_0"]').click()  # untick "Active"
    page.locator('label[for="id_status_2"]').click()  # tick "Lapsed"
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    _wait_for_status(page, r"^2 cameras shown in 1 cluster\.")

    # Selecting a cluster zooms in, until the cameras themselves show.
    _zoom_into_clusters(page)
    _wait_for_status(page, r"^2 cameras shown\.$")
    cones = page.locator(".leaflet-overlay-pane path")
    assert cones.count() == 0  # not drawn below zoom 17
    for _ in range(3):  # to zoom level 17
        page.locator(".leaflet-control-zoom-in").click()
        try:
            cones.nth(1).wait_for(state="attached", timeout=2000)
            break
        except PlaywrightTimeout:
            continue
    assert cones.count() == 2
    check_page(page, "camera map zoomed in", viewport)

    # The list under the map names the same cameras.
    page.get_by_text("List of what the map shows").click()
    table = page.locator("table.map-list__cameras")
    table.wait_for()
    assert table.locator("tbody tr").count() == 2
    assert table.get_by_text("Lapsed").count() == 2
    check_page(page, "camera map with its list", viewport)


def test_map_by_keyboard(signed_in_page, registry_data):
    page = signed_in_page("desktop", roles=("deputy",))
    page.goto("/console/map/?status=pending_review")
    _wait_for_status(page, r"^2 cameras shown in \d+ clusters?\.")
    # Clusters are reached with Tab and opened with Enter: each zooms the map in.
    _zoom_into_clusters(page, by_keyboard=True)
    marker = page.locator(".camera-marker").first
    marker.wait_for()
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup a", has_text="Open registrant #")
    link.wait_for()
    # Let the popup finish fading in before axe measures its contrast.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    check_page(page, "camera map with a popup", "desktop")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/console/registrants/\d+/$", page.url)


def test_map_list_by_keyboard(signed_in_page, registry_data):
    """Without using the map at all: the list under it zooms it, then lists the cameras."""
    page = signed_in_page("desktop", roles=("deputy",))
    page.goto("/console/map/?status=pending_review")
    _wait_for_status(page, r"^2 cameras shown in \d+ clusters?\.")
    summary = page.locator("details.map-list summary")
    summary.focus()
    page.keyboard.press("Enter")
    for _ in range(8):
        _wait_for_status(page, r"shown|No cameras")
        if page.locator("#registry-map").get_attribute("data-mode") == "cameras":
            break
        before = _shown_zoom(page)
        area = page.locator(".map-list__areas button").first
        assert re.match(r"^\d+ cameras? around ", area.inner_text())
        area.focus()
        page.keyboard.press("Enter")
        _wait_for_new_answer(page, before)
    table = page.locator("table.map-list__cameras")
    table.wait_for()
    check_page(page, "camera map list of cameras", "desktop")
    owner = table.locator("tbody a").first
    owner.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/console/registrants/\d+/$", page.url)
