"""The custody reports of a file and of a case: every event with who, when (agency time),
from where and why, the SHA-256 and the owner's statements."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.evidence.services import processing
from camreg.testing.evidence import make_case, make_uploaded_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(deputy):
    return make_case(deputy.user)


def processed(case, **kwargs):
    evidence_file = make_uploaded_file(case, **kwargs)
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    return evidence_file


def test_a_deputy_views_and_downloads_and_the_report_lists_it_all(deputy, case):
    evidence_file = processed(case)
    deputy.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk}))
    download = deputy.get(
        reverse("evidence:download", kwargs={"pk": evidence_file.pk}),
        {"download-reason": "Copy for the DA"},
        HTTP_USER_AGENT="Firefox/140",
    )
    b"".join(download.streaming_content)

    response = deputy.get(reverse("evidence:file-custody", kwargs={"pk": evidence_file.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(k) for k in ("Received</th>", "Hash computed", "Viewed", "Downloaded")]
    assert order == sorted(order)
    assert "The owner (request link)" in html
    assert "The system (worker)" in html
    assert html.count("Dana Deputy") >= 2
    assert "127.0.0.1" in html and "Firefox/140" in html
    assert "Copy for the DA" in html
    assert evidence_file.sha256 in html
    assert "Stated unaltered" in html and "1 min 35 s behind" in html
    assert "America/Los_Angeles" in html  # times in the agency's time zone
    assert "@media print" not in html  # print rules live in the stylesheet
    assert AuditEvent.objects.filter(action="evidence.custody_report_viewed").exists()


def test_times_are_shown_in_the_agency_time_zone(deputy, case):
    evidence_file = processed(case)
    event = evidence_file.custody_events.first()
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    local = timezone.localtime(event.at, ZoneInfo("America/Los_Angeles"))
    html = deputy.get(
        reverse("evidence:file-custody", kwargs={"pk": evidence_file.pk})
    ).content.decode()
    assert local.strftime("%Y-%m-%d %H:%M:%S") in html


def test_the_case_report_lists_every_file_with_its_events(deputy, case):
    first = processed(case, name="porch.mp4")
    second = processed(case, name="garage.mp4")
    response = deputy.get(reverse("evidence:case-custody", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "porch.mp4" in html and "garage.mp4" in html
    assert first.sha256 in html and second.sha256 in html
    assert html.count("Hash computed") == 2
    assert case.case_number in html


def test_the_file_page_and_case_page_link_to_the_reports(deputy, case):
    evidence_file = processed(case)
    page = deputy.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk})).content.decode()
    assert reverse("evidence:file-custody", kwargs={"pk": evidence_file.pk}) in page
    case_page = deputy.get(reverse("canvass:case", kwargs={"pk": case.pk})).content.decode()
    assert reverse("evidence:case-custody", kwargs={"case_id": case.pk}) in case_page


def test_a_case_without_evidence_has_an_empty_report(deputy, case):
    html = deputy.get(
        reverse("evidence:case-custody", kwargs={"case_id": case.pk})
    ).content.decode()
    assert "No evidence has been received for this case." in html
