"""The evidence pages in a real browser, at desktop and phone width: the file page (poster,
facts, SHA-256, statements), the custody reports of the file and the case, and the case page
with its evidence. axe-core finds nothing; no sideways scroll; no CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from camreg.evidence.models import EvidenceFile, RetentionCategory
from camreg.evidence.services import processing
from camreg.testing.browser import check_page
from camreg.testing.evidence import make_case, make_uploaded_file, make_video
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def files(deputy):
    case = make_case(deputy.user)
    made = []
    for name, content in (
        ("front-door-camera-2026-11-18-1800-export-from-the-dvr.mp4", make_video(seconds=2)),
        ("export.zip", b"PK\x03\x04" + b"\x00" * 2000),
    ):
        evidence_file = make_uploaded_file(case, content, name=name)
        processing.process(evidence_file.pk)
        evidence_file.refresh_from_db()
        made.append(evidence_file)
    return made


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_evidence_pages(new_page, deputy, files, viewport):
    video, archive = files
    page = new_page(viewport)
    sign_in_browser(page, deputy)

    page.goto(f"/console/evidence/files/{video.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Evidence file")
    assert video.sha256 in page.content()
    poster = page.get_by_role("img", name="Poster frame of")
    assert poster.evaluate("img => img.complete && img.naturalWidth > 0")
    check_page(page, "evidence file page", viewport)

    page.goto(f"/console/evidence/files/{archive.pk}/")
    assert "Not a video the system can read" in page.content()
    check_page(page, "evidence file page of a non-media file", viewport)

    page.goto(f"/console/evidence/files/{video.pk}/custody/")
    assert "Viewed" in page.content()
    check_page(page, "custody report of a file", viewport)

    page.goto(f"/console/evidence/cases/{video.case_id}/custody/")
    assert archive.sha256 in page.content()
    check_page(page, "custody report of a case", viewport)

    page.goto(f"/console/canvass/{video.case_id}/")
    section = page.locator("#evidence")
    assert section.inner_text() == "Evidence received"
    thumbs = page.locator(".evidence-card__thumb img")
    assert thumbs.count() == 1
    thumbs.first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.evidence-card__thumb img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    check_page(page, "case page with evidence", viewport)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_retention_pages_by_keyboard(new_page, staff_client, files, viewport):
    # A transactional test starts without the categories the migration made.
    RetentionCategory.objects.get_or_create(name="Misdemeanor", defaults={"retention_days": 730})
    # One case's file reaches the end of its retention in five days: listed below.
    soon = timezone.now() + timedelta(days=5)
    EvidenceFile.objects.filter(pk=files[0].pk).update(retain_until=soon)
    custodian = staff_client("evidence_custodian", full_name="Casey Custodian")
    page = new_page(viewport)
    sign_in_browser(page, custodian)

    page.goto("/console/evidence/")
    page.get_by_role("link", name="Retention periods").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Retention periods"
    ending = page.get_by_role("region", name="Cases with files whose retention ends soon")
    assert files[0].case.case_number in ending.inner_text()
    check_page(page, "retention periods", viewport)

    link = page.get_by_role("link", name="Change “Misdemeanor”")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/evidence/retention/*/")
    check_page(page, "a retention category", viewport)

    # Without a reason: refused, explained, focusable from the summary.
    days = page.get_by_label("Kept for (days)")
    days.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1,000")
    page.get_by_role("button", name="Save the category").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    body = page.inner_text("body")
    assert "This field is required." in body, body
    check_page(page, "a retention category with an error", viewport)

    page.get_by_label("Reason for the change").focus()
    page.keyboard.type("Records retention schedule")
    page.keyboard.press("Tab")  # to the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/console/evidence/retention/")
    assert "Category “Misdemeanor” saved." in page.inner_text("body")
    assert "1,000 days" in page.inner_text("body")
    check_page(page, "retention periods after a change", viewport)
