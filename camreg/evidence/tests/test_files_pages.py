"""The evidence file page, its poster and download, the retention change, and who may see
them; the evidence sections of the case page and the footage request page."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.evidence.models import CustodyKind, RetentionCategory
from camreg.evidence.services import processing, reading
from camreg.testing.evidence import make_case, make_evidence_file, make_uploaded_file, make_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(deputy):
    return make_case(deputy.user)


@pytest.fixture
def video():
    return make_video()


@pytest.fixture
def evidence_file(case, video):
    evidence_file = make_uploaded_file(case, video, name="front door/../cam 1.mp4")
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    return evidence_file


@pytest.fixture
def custodian(staff_client):
    return staff_client("evidence_custodian", full_name="Casey Custodian")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_file_page_shows_the_facts_and_records_a_view(deputy, evidence_file):
    response = deputy.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert evidence_file.sha256 in html
    assert "h264" in html and "320 × 240" in html
    assert "Stated unaltered" in html
    assert "The camera clock was 1 min 35 s behind real time" in html
    assert "The camera clock runs a little slow." in html
    assert "Uploaded by the owner through the request link" in html
    assert reverse("evidence:poster", kwargs={"pk": evidence_file.pk}) in html
    assert reverse("evidence:file-custody", kwargs={"pk": evidence_file.pk}) in html
    event = evidence_file.custody_events.get(kind=CustodyKind.VIEWED)
    assert event.actor == deputy.user
    assert event.actor_name == "Dana Deputy"
    assert event.ip == "127.0.0.1"
    assert AuditEvent.objects.filter(
        action="evidence.viewed", actor_id=str(deputy.user.pk)
    ).exists()
    # A deputy cannot change the retention category.
    assert "Change the retention category" not in html


def test_the_poster_is_a_jpeg_for_the_page(deputy, evidence_file):
    response = deputy.get(reverse("evidence:poster", kwargs={"pk": evidence_file.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response)[:2] == b"\xff\xd8"


def test_the_download_is_an_attachment_of_the_exact_bytes(deputy, evidence_file, video):
    url = reverse("evidence:download", kwargs={"pk": evidence_file.pk})
    response = deputy.get(url, {"download-reason": "Copy for the DA"}, HTTP_USER_AGENT="Test/1")
    assert response.status_code == 200
    assert hashlib.sha256(body(response)).hexdigest() == evidence_file.sha256
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="KC2026-004711 cam 1.mp4"' in disposition
    assert "/" not in disposition.split("filename=")[1]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Length"] == str(len(video))
    event = evidence_file.custody_events.get(kind=CustodyKind.DOWNLOADED)
    assert (event.actor, event.reason, event.user_agent) == (
        deputy.user,
        "Copy for the DA",
        "Test/1",
    )


def test_a_file_still_being_checked_cannot_be_downloaded(deputy, case):
    evidence_file = make_uploaded_file(case)
    response = deputy.get(reverse("evidence:download", kwargs={"pk": evidence_file.pk}))
    assert response.status_code == 302
    assert not evidence_file.custody_events.filter(kind=CustodyKind.DOWNLOADED).exists()
    page = deputy.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk}))
    assert "still being checked" in page.content.decode()


def test_download_names_are_safe():
    class Case:
        case_number = "KC/2026"

    class File:
        original_name = 'C:\\Users\\x\\..\\"évidence"\r\n;.mp4'
        case = Case()

    name = reading.download_name(File())
    assert name == "KC_2026 _evidence_.mp4"


@pytest.mark.parametrize("role", ["auditor", "administrator", "program_coordinator"])
def test_other_roles_get_403(staff_client, evidence_file, role):
    client = staff_client(role)
    for name in ("file", "poster", "download", "file-custody"):
        assert (
            client.get(reverse(f"evidence:{name}", kwargs={"pk": evidence_file.pk})).status_code
            == 403
        )
    url = reverse("evidence:case-custody", kwargs={"case_id": evidence_file.case_id})
    assert client.get(url).status_code == 403
    assert not evidence_file.custody_events.filter(
        kind__in=[CustodyKind.VIEWED, CustodyKind.DOWNLOADED]
    ).exists()


@pytest.mark.parametrize("role", ["investigator", "supervisor", "evidence_custodian"])
def test_deputies_peers_and_custodians_may_see_evidence(staff_client, evidence_file, role):
    client = staff_client(role)
    assert client.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk})).status_code == 200
    download = client.get(reverse("evidence:download", kwargs={"pk": evidence_file.pk}))
    assert download.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, evidence_file):
    for name in ("file", "poster", "download", "file-custody"):
        response = client.get(reverse(f"evidence:{name}", kwargs={"pk": evidence_file.pk}))
        assert response.status_code == 302
        assert "sign-in" in response["Location"] or "login" in response["Location"]


def test_a_custodian_changes_the_retention_category_with_a_reason(custodian, evidence_file):
    major = RetentionCategory.objects.get(name="Homicide / major crime")
    url = reverse("evidence:file-retention", kwargs={"pk": evidence_file.pk})
    refused = custodian.post(url, {"retention-category": major.pk, "retention-reason": ""})
    assert refused.status_code == 400
    response = custodian.post(
        url, {"retention-category": major.pk, "retention-reason": "Now a homicide case"}
    )
    assert response.status_code == 302
    evidence_file.refresh_from_db()
    assert evidence_file.retention_category == major
    assert (evidence_file.retain_until - evidence_file.created_at).days == major.retention_days
    event = evidence_file.custody_events.get(kind=CustodyKind.RETENTION_CHANGED)
    assert event.reason == "Now a homicide case" and event.actor == custodian.user
    assert event.details["to"] == major.name


def test_a_deputy_cannot_change_the_retention_category(deputy, evidence_file):
    major = RetentionCategory.objects.get(name="Homicide / major crime")
    url = reverse("evidence:file-retention", kwargs={"pk": evidence_file.pk})
    response = deputy.post(url, {"retention-category": major.pk, "retention-reason": "x"})
    assert response.status_code == 403


def test_the_case_page_lists_the_evidence(deputy, evidence_file):
    response = deputy.get(reverse("canvass:case", kwargs={"pk": evidence_file.case_id}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="evidence"' in html
    assert "cam 1.mp4" in html
    assert evidence_file.sha256 in html
    assert reverse("evidence:file", kwargs={"pk": evidence_file.pk}) in html
    assert reverse("evidence:poster", kwargs={"pk": evidence_file.pk}) in html
    assert reverse("evidence:case-custody", kwargs={"case_id": evidence_file.case_id}) in html
    assert AuditEvent.objects.filter(action="evidence.files_listed").exists()


def test_the_case_page_without_evidence_offers_the_intake(deputy, case):
    html = deputy.get(reverse("canvass:case", kwargs={"pk": case.pk})).content.decode()
    assert "No footage received yet." in html
    assert reverse("evidence:intake-case", kwargs={"pk": case.pk}) in html
    assert not AuditEvent.objects.filter(action="evidence.files_listed").exists()


def test_the_footage_request_page_lists_its_evidence(deputy, case):
    from camreg.footage.models import FootageRequest

    footage_request = FootageRequest.objects.create(
        case=case,
        requested_by=deputy.user,
        window_start=case.start,
        window_end=case.end,
        requester_name="Dana Deputy",
    )
    mine = make_evidence_file(case, name="porch.mp4", footage_request=footage_request)
    make_evidence_file(case, name="other-request.mp4")
    response = deputy.get(reverse("footage:request", kwargs={"pk": footage_request.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Footage received" in html
    assert "porch.mp4" in html and mine.sha256 in html
    assert "other-request.mp4" not in html


def test_the_evidence_index_lists_cases_with_evidence(deputy, custodian, evidence_file, case):
    make_case(deputy.user, case_number="KC2026-000001")  # a case without evidence
    index = reverse("evidence:index")
    html = custodian.get(index).content.decode()
    assert case.case_number in html
    assert "KC2026-000001" not in html
    assert reverse("evidence:case-custody", kwargs={"case_id": case.pk}) in html
    # A custodian does not open case pages: no link to one, here or on the file page.
    assert reverse("canvass:case", kwargs={"pk": case.pk}) not in html
    page = custodian.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk}))
    assert reverse("canvass:case", kwargs={"pk": case.pk}) not in page.content.decode()
    # A deputy goes from the index to the case's evidence.
    html = deputy.get(index).content.decode()
    assert reverse("canvass:case", kwargs={"pk": case.pk}) + "#evidence" in html


def test_the_console_menu_leads_to_the_evidence(deputy, custodian, staff_client):
    assert reverse("evidence:index") in deputy.get(reverse("console:home")).content.decode()
    custodian_home = custodian.get(reverse("console:home")).content.decode()
    assert reverse("evidence:index") in custodian_home
    assert reverse("evidence:release-queue") in custodian_home
    auditor = staff_client("auditor")
    assert reverse("evidence:index") not in auditor.get(reverse("console:home")).content.decode()
    assert auditor.get(reverse("evidence:index")).status_code == 403
