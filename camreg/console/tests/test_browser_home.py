"""Each role's home page in a real browser, at desktop and phone width: axe-core finds
nothing, nothing scrolls sideways, no CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.footage.models import FootageRequest, Status
from camreg.registry.models import Camera
from camreg.testing.browser import check_page
from camreg.testing.canvass import CASE_NUMBER
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = ["desktop", "phone"]


@pytest.fixture
def casework(deputy, supervisor, make_registrant):
    start = timezone.now() - timedelta(days=2)
    case = Case.objects.create(
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        address="1200 Truxtun Ave, Bakersfield, CA 93301",
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=300,
        start=start,
        end=start + timedelta(hours=1),
        purpose_statement="Burglary; not aimed at protected activity.",
        created_by=deputy.user,
    )
    ids = []
    for name, days, preferred in (
        ("Ana Ruiz", 3, "phone"),
        ("Ben Ortiz", 30, "email"),
        ("Carla Diaz", 9, "text"),
    ):
        registrant = make_registrant(
            name,
            status="active",
            phone="+16615550100",
            preferred_contact=preferred,
            contact_hours="Evenings after 6 pm",
            cameras=[{"label": f"{name} front door", "retention_days": days}],
        )
        ids.append(Camera.objects.get(site__registrant=registrant).pk)
    made = footage.create_requests(case, ids, actor=deputy.user, message="")
    FootageRequest.objects.filter(pk=made[-1].pk).update(
        status=Status.ANSWERED, answer="will_provide", answered_at=timezone.now()
    )
    audit.record(
        "canvass.limit_overridden",
        actor=supervisor.user,
        target=case,
        case_number=case.case_number,
        reason="Overnight burglary series across the neighbourhood",
        details={"limits": [{"code": "time_window_too_long", "message": "The window is 14 h."}]},
    )
    make_registrant("Pat Pending", status="pending_review")
    return case


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", ["deputy", "supervisor", "coordinator", "auditor"])
def test_home_pages(new_page, request, casework, viewport, role):
    who = request.getfixturevalue(role)
    page = new_page(viewport)
    sign_in_browser(page, who)
    page.goto("/console/")
    assert page.locator("h1").inner_text() == "Staff console"
    main = page.locator("main").inner_text()
    if role == "deputy":
        assert CASE_NUMBER in main and "Calls and texts to make" in main
        assert "Answers that came in" in main and "I will provide it" in main
        waiting = page.locator("section[aria-labelledby='home-waiting'] li").all_inner_texts()
        assert [w.split(",")[0] for w in waiting] == ["Ana Ruiz", "Carla Diaz"]
    elif role == "supervisor":
        assert "Limit overrides to review" in main and "Overnight burglary series" in main
        assert "1 registration waiting for review" in main
    elif role == "coordinator":
        assert "Registrations by status" in main and "Calls and texts" not in main
    else:
        assert "read the audit log" in main and "Ana Ruiz" not in main
    check_page(page, f"{role} home", viewport)
