"""The console's home page for each role: a deputy's open cases, requests waiting by
overwrite deadline, answers and calls; a supervisor's overrides and the review queue; a
coordinator's program counts; the others' way to their work. Audited when it names owners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from camreg.audit import services as audit
from camreg.audit.models import AuditEvent
from camreg.canvass import services as canvass
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.footage.models import FootageRequest, Status
from camreg.registry.models import Camera
from camreg.testing.canvass import CASE_NUMBER

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
START = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
HOME = reverse("console:home")


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_case(user, number=CASE_NUMBER) -> Case:
    return Case.objects.create(
        case_number=number,
        incident_type="Burglary",
        address="1200 Truxtun Ave",
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=300,
        start=START,
        end=START + timedelta(hours=1),
        purpose_statement="Burglary; not aimed at protected activity.",
        created_by=user,
    )


def owner(make_registrant, name, retention_days, **fields):
    registrant = make_registrant(
        name,
        status="active",
        phone="+16615550100",
        cameras=[{"label": f"{name}'s camera", "retention_days": retention_days}],
        **fields,
    )
    return Camera.objects.get(site__registrant=registrant).pk


def page(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_a_deputys_home(now, deputy, supervisor, make_registrant):
    mine = make_case(deputy.user)
    closed = make_case(deputy.user, "KC2026-000002")
    canvass.close_case(closed, actor=deputy.user)
    theirs = make_case(supervisor.user, "KC2026-000003")
    late = owner(make_registrant, "Lena Late", 9)
    soon = owner(make_registrant, "Sam Soon", 3)
    caller = owner(make_registrant, "Carl Caller", 20, preferred_contact="phone")
    answered = owner(make_registrant, "Ann Answered", 30)
    made = {
        r.registrant.name: r
        for r in footage.create_requests(
            mine, [late, soon, caller, answered], actor=deputy.user, message=""
        )
    }
    FootageRequest.objects.filter(pk=made["Ann Answered"].pk).update(
        status=Status.ANSWERED, answer="will_provide", answered_at=NOW - timedelta(hours=2)
    )
    footage.create_requests(theirs, [late], actor=supervisor.user, message="")

    html = page(deputy)
    cases = html[html.index("Your open cases") : html.index("Calls and texts to make")]
    assert CASE_NUMBER in cases
    assert "KC2026-000002" not in cases and "KC2026-000003" not in cases
    waiting = html[html.index("Your requests waiting") : html.index("Answers that came in")]
    # Soonest overwrite deadline first; only this deputy's.
    assert waiting.index("Sam Soon") < waiting.index("Lena Late") < waiting.index("Carl Caller")
    assert "Ann Answered" not in waiting
    assert waiting.count("<li>") == 3
    answers = html[html.index("Answers that came in") :]
    assert "Ann Answered" in answers and "I will provide it" in answers
    calls = html[html.index("Calls and texts to make") : html.index("Your requests waiting")]
    assert "Call Carl Caller" in calls
    assert "Limit overrides" not in html and "The program" not in html
    event = AuditEvent.objects.get(action="console.home_viewed")
    assert event.actor_id == str(deputy.user.pk)
    assert len(event.details["request_ids"]) == 4
    assert len(event.details["registrant_ids"]) == 4


def test_a_new_deputy_sees_empty_lists_and_no_audit(deputy):
    html = page(deputy)
    assert "You have no open cases." in html and "No requests waiting." in html
    assert not AuditEvent.objects.filter(action="console.home_viewed").exists()


def test_a_supervisors_overrides_and_review_queue(supervisor, deputy, make_registrant):
    case = make_case(supervisor.user)
    audit.record(
        "canvass.limit_overridden",
        actor=supervisor.user,
        target=case,
        case_number=case.case_number,
        reason="Overnight burglary series",
        details={"limits": [{"code": "time_window_too_long", "message": "The window is 14 h."}]},
    )
    make_registrant("Pat Pending", status="pending_review")
    html = page(supervisor)
    overrides = html[html.index("Limit overrides to review") :]
    assert f'href="{reverse("canvass:case", kwargs={"pk": case.pk})}"' in overrides
    assert "The window is 14 h." in overrides and "Overnight burglary series" in overrides
    assert "1 registration waiting for review" in html
    assert f'href="{reverse("console:review")}"' in html
    # Supervisors do casework too.
    assert "Your open cases" in html
    # A deputy sees no overrides.
    assert "Limit overrides" not in page(deputy)


def test_a_coordinators_program_counts(coordinator, make_registrant):
    make_registrant("Ava Active", status="active")
    make_registrant("Pat Pending", status="pending_review")
    html = page(coordinator)
    assert "Registrations by status" in html and "Footage requests, last 30 days" in html
    assert "Cameras of active registrations: 1" in html
    assert "1 registration waiting for review" in html
    assert "Your open cases" not in html
    assert f'href="{reverse("canvass:cases")}"' not in html
    assert f'href="{reverse("footage:dashboard")}"' not in html


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("auditor", "read the audit log", "Registrations by status"),
        ("administrator", "Staff and systems", "Your open cases"),
        ("evidence_custodian", "Evidence custody, releases and sharing", "Registrations by"),
    ],
)
def test_other_roles_find_their_work(staff_client, role, shown, hidden):
    html = page(staff_client(role))
    assert shown in html and hidden not in html
    assert "Limit overrides" not in html
