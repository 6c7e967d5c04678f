"""Release pages in a real browser at desktop and phone width: a deputy proposes a share-link
release, a custodian approves it and copies the link shown once, the other agency's page lists
the files; a still is taken, proposed and its bulletin printed once approved. axe-core finds
no WCAG 2.1 A/AA violation on any of them, the CSP blocks nothing, nothing scrolls sideways."""

from __future__ import annotations

import pytest

from camreg.evidence.models import Release, ReleaseStatus, Still
from camreg.evidence.services import releases, stills
from camreg.testing.browser import check_page
from camreg.testing.staff import sign_in_browser

from .releases_helpers import *  # noqa: F403 - the fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = ["desktop", "phone"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_share_link_release(new_page, investigator, custodian, case, video, viewport):
    page = new_page(viewport)
    sign_in_browser(page, investigator)
    page.goto(f"/console/evidence/cases/{case.pk}/releases/new/?file={video.pk}")
    check_page(page, "propose a release", viewport)
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the release").click()
    assert page.locator("#error-summary").is_visible()
    check_page(page, "propose a release with errors", viewport)
    page.get_by_label("Expiring download link").check()
    radio_id = page.locator('[name="legal_basis"][value="agency"]').get_attribute("id")
    page.locator(f'label[for="{radio_id}"]').click()
    page.get_by_label("Recipient").fill("Bakersfield Police Department, Det. Ruiz")
    page.get_by_label("What is released, and why").fill("Front door, for their robbery case")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the release").click()
    release = Release.objects.get()
    assert page.url.endswith(f"/console/evidence/releases/{release.pk}/")
    check_page(page, "a pending release (deputy)", viewport)

    page = new_page(viewport)
    sign_in_browser(page, custodian)
    page.goto("/console/evidence/releases/")
    check_page(page, "the custodian's queue", viewport)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Release {release.pk}").click()
    check_page(page, "a pending release (custodian)", viewport)
    page.get_by_label("Note").fill("For their robbery case 26-1234")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve the release").click()
    link = page.get_by_role("textbox", name="Share link").input_value()
    assert "/shared/" in link
    assert page.get_by_role("button", name="Copy the link").is_visible()
    check_page(page, "the approved release with its link", viewport)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED

    other = new_page(viewport)
    other.goto(link)
    assert other.get_by_text(video.sha256).is_visible()
    check_page(other, "the share link page", viewport)

    page.goto(f"/console/evidence/releases/{release.pk}/")
    page.get_by_label("Reason for revoking").fill("Their case was closed")
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke the release").click()
    check_page(page, "a revoked release", viewport)
    response = other.goto(link)
    assert response.status == 410
    check_page(other, "a revoked share link", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_still_and_bulletin(new_page, investigator, custodian, video, viewport):
    page = new_page(viewport)
    sign_in_browser(page, investigator)
    page.goto(f"/console/evidence/files/{video.pk}/stills/new/")
    check_page(page, "the still picker", viewport)
    page.get_by_label("Time in the video").fill("0:09")
    with page.expect_navigation():
        page.get_by_role("button", name="Take the still").click()
    assert page.locator("#error-summary").is_visible()
    check_page(page, "the still picker with an error", viewport)
    page.get_by_label("Time in the video").fill("0:01.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Take the still").click()
    still = Still.objects.get()
    assert page.locator("img.still-image").evaluate("img => img.naturalWidth") == 320
    check_page(page, "a still", viewport)
    page.get_by_label("Headline").fill("Do you recognize this person?")
    page.get_by_label("Bulletin text").fill("Burglary at 1200 Truxtun Ave, Nov 18, 6 pm.")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the bulletin for release").click()
    page.goto(f"/console/evidence/stills/{still.pk}/bulletin/")
    assert page.get_by_text("Draft: not approved for release").is_visible()
    check_page(page, "a draft bulletin", viewport)

    still.refresh_from_db()
    releases.approve(still.release, actor=custodian.user)
    assert stills.is_printable(still)
    page.reload()
    assert page.get_by_role("button", name="Print the bulletin").is_visible()
    assert page.get_by_text("Case KC2026-004711", exact=True).is_visible()
    check_page(page, "the printable bulletin", viewport)
    page.emulate_media(media="print")
    assert not page.locator("header.usa-header").is_visible()
    assert page.get_by_text("Do you recognize this person?").is_visible()

    # The same bulletin in Spanish, from the switch above it (by keyboard).
    page.emulate_media(media="screen")
    link = page.get_by_role("navigation", name="Bulletin language").get_by_role(
        "link", name="Español"
    )
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Caso KC2026-004711", exact=True).is_visible()
    assert page.locator("article.bulletin").get_attribute("lang") == "es"
    check_page(page, "the bulletin in Spanish", viewport)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Bulletin language").is_visible()
    assert page.get_by_text("Si tiene información, llame al", exact=False).is_visible()
