"""Leaving the program detaches the registrant from footage requests and closes open ones."""

import pytest

from camreg.footage import services
from camreg.footage.models import FootageRequest, Status
from camreg.registry import services as registry_services

from .conftest import camera_ids

pytestmark = pytest.mark.django_db


def test_leaving_closes_open_requests_and_keeps_no_personal_link(now, case, deputy, owner):
    ana = owner("Ana Ruiz", cameras=[{"label": "Driveway", "retention_days": 30}])
    [request] = services.create_requests(
        case, camera_ids(ana), actor=deputy.user, message="Please."
    )
    assert request.status == Status.SENT

    registry_services.leave(ana)

    request = FootageRequest.objects.get(pk=request.pk)
    assert request.registrant_id is None
    assert request.status != Status.SENT  # no longer waiting on someone who left
    assert not request.links.exists()
