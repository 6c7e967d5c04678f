"""The auditor's screen: filters, CSV export (itself audited), chain verification, access."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from camreg.accounts.models import User
from camreg.audit import services
from camreg.audit.models import AuditEvent
from camreg.testing.staff import make_staff, staff_client

pytestmark = pytest.mark.django_db

EVENTS_URL = reverse("audit:events")
EXPORT_URL = reverse("audit:export")


def _request(user, ip="198.51.100.7"):
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    request.user = user
    return request


def _at(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=UTC), tick=False)


@pytest.fixture
def log(db) -> dict[str, AuditEvent]:
    """A small log: two deputies, sign-ins, registrant views, a search with a case number."""
    dana = make_staff("deputy", email="dana@example.org", full_name="Dana Deputy", enrolled=False)
    ivan = make_staff(
        "investigator", email="ivan@example.org", full_name="Ivan Investigator", enrolled=False
    )
    events: dict[str, AuditEvent] = {}
    with _at("2026-02-27T18:00:00"):
        events["dana_sign_in"] = services.record("auth.sign_in", request=_request(dana))
    with _at("2026-02-28T20:00:00"):  # noon in Bakersfield, Feb 28
        events["dana_view"] = services.record(
            "registrant.viewed",
            request=_request(dana),
            target_type="registry.registrant",
            target_id=42,
        )
    with _at("2026-03-01T07:30:00"):  # 23:30 on Feb 28 in Bakersfield (PST, UTC-8)
        events["ivan_search"] = services.record(
            "canvass.searched",
            request=_request(ivan, "203.0.113.9"),
            case_number="KC2026-000123",
            reason="Burglary on Truxtun Ave",
            details={"results": 4},
        )
    with _at("2026-03-01T09:00:00"):  # 01:00 on March 1 in Bakersfield
        events["ivan_view"] = services.record(
            "registrant.viewed",
            request=_request(ivan, "203.0.113.9"),
            target_type="registry.registrant",
            target_id=7,
            case_number="KC2026-000123",
        )
        events["ivan_failed"] = services.record(
            "auth.sign_in_failed", request=_request(ivan), outcome="failure"
        )
        events["formula"] = services.record(
            "registrant.note_added",
            request=_request(ivan),
            target_type="registry.registrant",
            target_id=7,
            reason='=HYPERLINK("http://evil.example")',
        )
    return events


def shown_ids(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:3000]
    return [
        int(i)
        for i in re.findall(r'<span class="usa-hint">#(\d+)</span>', response.content.decode())
    ]


def ids(log, *names) -> list[int]:
    """Primary keys, newest first (the screen's order)."""
    return sorted((log[name].pk for name in names), reverse=True)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"user": "Dana"}, ["dana_sign_in", "dana_view"]),
        ({"user": "ivan@example"}, ["ivan_search", "ivan_view", "ivan_failed", "formula"]),
        ({"action": "registrant.viewed"}, ["dana_view", "ivan_view"]),
        ({"action": "registrant."}, ["dana_view", "ivan_view", "formula"]),
        ({"action": "auth."}, ["dana_sign_in", "ivan_failed"]),
        ({"action": "auth.sign_in"}, ["dana_sign_in"]),
        ({"target_type": "registry.registrant", "target_id": "7"}, ["ivan_view", "formula"]),
        ({"target_type": "registry.registrant"}, ["dana_view", "ivan_view", "formula"]),
        ({"case_number": "kc2026-000123"}, ["ivan_search", "ivan_view"]),
        ({"outcome": "failure"}, ["ivan_failed"]),
        # Dates are the agency's (Bakersfield): 07:30 UTC on March 1 is still Feb 28 there.
        ({"date_from": "2026-02-28", "date_to": "2026-02-28"}, ["dana_view", "ivan_search"]),
        (
            {"date_from": "2026-03-01", "date_to": "2026-03-01"},
            ["ivan_view", "ivan_failed", "formula"],
        ),
        ({"date_to": "2026-02-27"}, ["dana_sign_in"]),
        ({"user": "Ivan", "action": "registrant.", "case_number": "KC2026-000123"}, ["ivan_view"]),
    ],
)
def test_filters_return_the_right_events(auditor, log, filters, expected):
    assert shown_ids(auditor.get(EVENTS_URL, filters)) == ids(log, *expected)


def test_user_filter_by_staff_id(auditor, log):
    dana = User.objects.get(email="dana@example.org")
    response = auditor.get(EVENTS_URL, {"user": str(dana.pk)})
    assert shown_ids(response) == ids(log, "dana_sign_in", "dana_view")


def test_the_screen_shows_who_what_when_and_is_audited(auditor, log):
    response = auditor.get(EVENTS_URL, {"action": "canvass.searched"})
    body = response.content.decode()
    assert "Ivan Investigator &lt;ivan@example.org&gt;" in body
    assert "2026-02-28 23:30:00" in body  # in the agency's time zone
    assert "203.0.113.9" in body and "Case KC2026-000123" in body
    assert "Burglary on Truxtun Ave" in body
    assert "The hash chain verifies" in body
    viewed = AuditEvent.objects.filter(action="audit.viewed").latest("pk")
    assert viewed.actor_id == str(auditor.user.pk)
    assert viewed.details["filters"] == {"action": "canvass.searched"}
    assert viewed.details["rows"] == 1
    assert viewed.details["chain"]["broken_event_id"] is None


def test_bad_dates_are_refused(auditor, log):
    response = auditor.get(EVENTS_URL, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "To date: The to date must not be before the from date." in response.content.decode()
    response = auditor.get(EVENTS_URL, {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "From date: Enter a valid date." in response.content.decode()


def test_pages_of_fifty_newest_first(auditor, db):
    for number in range(60):
        services.record("test.event", details={"n": number})
    first = shown_ids(auditor.get(EVENTS_URL, {"action": "test.event"}))
    second = shown_ids(auditor.get(EVENTS_URL, {"action": "test.event", "page": 2}))
    assert len(first) == 50 and len(second) == 10
    assert first == sorted(first, reverse=True) and first[-1] > second[0]
    body = auditor.get(EVENTS_URL, {"action": "test.event"}).content.decode()
    assert "action=test.event&amp;page=2" in body


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_every_matching_row_and_is_audited(auditor, log):
    rows = read_csv(auditor.get(EXPORT_URL, {"case_number": "KC2026-000123"}))
    assert [int(r["id"]) for r in rows] == sorted(ids(log, "ivan_search", "ivan_view"))
    search = rows[0]
    assert search["action"] == "canvass.searched"
    assert search["actor"] == "Ivan Investigator <ivan@example.org>"
    assert search["time"] == "2026-02-28T23:30:00-08:00"
    assert search["time_utc"] == "2026-03-01T07:30:00+00:00"
    assert search["ip_address"] == "203.0.113.9"
    assert search["details"] == '{"results": 4}'
    assert search["hash"] == log["ivan_search"].hash
    event = AuditEvent.objects.get(action="audit.exported")
    assert event.details["filters"] == {"case_number": "KC2026-000123"}
    assert event.details["rows"] == 2
    assert event.actor_id == str(auditor.user.pk)


def test_unfiltered_export_holds_the_whole_log_but_not_itself(auditor, log):
    before = AuditEvent.objects.count()
    rows = read_csv(auditor.get(EXPORT_URL))
    assert len(rows) == before
    export_event = AuditEvent.objects.get(action="audit.exported")
    assert export_event.details["rows"] == before
    assert str(export_event.pk) not in {r["id"] for r in rows}


def test_export_defuses_spreadsheet_formulas(auditor, log):
    rows = read_csv(auditor.get(EXPORT_URL, {"action": "registrant.note_added"}))
    assert rows[0]["reason"] == '\'=HYPERLINK("http://evil.example")'


def test_verify_on_demand_reports_and_records_the_check(auditor, log):
    assert "Verify the hash chain now" in auditor.get(reverse("audit:verify")).content.decode()
    response = auditor.post(reverse("audit:verify"))
    assert "The hash chain verifies" in response.content.decode()
    event = AuditEvent.objects.get(action="audit.chain_verified")
    assert event.outcome == "success" and event.details["broken_event_id"] is None
    assert event.details["rows_checked"] >= 6


def test_a_broken_chain_is_shown(auditor, log, monkeypatch):
    broken = services.BrokenLink(log["dana_view"].pk, "its content does not match its hash")
    monkeypatch.setattr(services, "verify_chain", lambda: (1, broken))
    body = auditor.get(EVENTS_URL).content.decode()
    assert "The hash chain is broken" in body
    assert f"Event {log['dana_view'].pk}: its content does not match its hash" in body
    auditor.post(reverse("audit:verify"))
    assert AuditEvent.objects.get(action="audit.chain_verified").outcome == "failure"


def test_large_logs_are_verified_on_demand(auditor, log, monkeypatch):
    from camreg.console import audit_views as views

    monkeypatch.setattr(views, "INLINE_VERIFY_MAX_ROWS", 2)
    body = auditor.get(EVENTS_URL).content.decode()
    assert "verified on demand" in body
    assert f'href="{reverse("audit:verify")}"' in body


@pytest.mark.parametrize("role", ["program_coordinator", "administrator", "deputy"])
def test_only_auditors_see_the_log(role, log):
    client = staff_client(role, email=f"{role}@example.org")
    for url in (EVENTS_URL, EXPORT_URL, reverse("audit:verify")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, log):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
