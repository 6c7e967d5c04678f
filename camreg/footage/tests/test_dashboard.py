"""The request dashboard: mine and the agency's, soonest overwrite deadline first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.footage import services
from camreg.footage.models import Status
from camreg.testing.staff import verified

from .conftest import camera_ids

pytestmark = pytest.mark.django_db

URL = reverse("footage:dashboard")


def test_sorted_by_overwrite_deadline(now, case, owner, staff_client):
    client = staff_client("deputy")
    me = verified(client.user)
    late = owner("Late Owner", cameras=[{"retention_days": 30}])
    soon = owner("Soon Owner", cameras=[{"retention_days": 3}])
    middle = owner("Middle Owner", cameras=[{"retention_days": 10}, {"retention_days": 60}])
    for registrant in (late, soon, middle):  # created in another order than the deadline
        services.create_requests(case, camera_ids(registrant), actor=me, message="")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(name) for name in ("Soon Owner", "Middle Owner", "Late Owner")]
    assert positions == sorted(positions)
    mine = [row["r"].registrant.name for row in response.context["mine"]]
    assert mine == ["Soon Owner", "Middle Owner", "Late Owner"]
    days = [row["days_left"] for row in response.context["mine"]]
    assert days == [1, 8, 28]
    assert "1 day left" in html
    assert AuditEvent.objects.filter(action="footage.dashboard_viewed").count() == 1


def test_mine_and_the_agencys(now, case, owner, staff_client, deputy):
    client = staff_client("investigator")
    me = verified(client.user)
    services.create_requests(case, camera_ids(owner("Mine Owner")), actor=me, message="")
    services.create_requests(case, camera_ids(owner("Their Owner")), actor=deputy.user, message="")
    response = client.get(URL)
    mine = [row["r"].registrant.name for row in response.context["mine"]]
    everyone = [row["r"].registrant.name for row in response.context["everyone"]]
    assert mine == ["Mine Owner"]
    assert sorted(everyone) == ["Mine Owner", "Their Owner"]


def test_finished_requests_only_when_asked(now, case, owner, staff_client):
    client = staff_client("deputy")
    me = verified(client.user)
    (request,) = services.create_requests(
        case, camera_ids(owner("Done Owner")), actor=me, message=""
    )
    services.close(request, actor=me)
    assert not client.get(URL).context["everyone"]
    everyone = client.get(URL + "?show=all").context["everyone"]
    assert [row["r"].status for row in everyone] == [Status.CLOSED]


@pytest.mark.parametrize("role", ["program_coordinator", "auditor", "evidence_custodian"])
def test_other_roles_are_refused(staff_client, role):
    assert staff_client(role).get(URL).status_code == 403


def test_signed_out_goes_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_menu_entry(staff_client, db):
    html = staff_client("deputy").get(reverse("console:home")).content.decode()
    assert f'href="{URL}"' in html
    html = staff_client("program_coordinator").get(reverse("console:home")).content.decode()
    assert f'href="{URL}"' not in html
