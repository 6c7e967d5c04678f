"""A registration the yearly cycle lapses is listed apart in canvass results; once purged it
is gone; confirmed again, it is back among the active ones (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from camreg.canvass import services
from camreg.canvass.limits import CanvassLimits
from camreg.confirmation.models import Cycle
from camreg.confirmation.services import cycle as confirmation_cycle
from camreg.registry import services as registry
from camreg.testing.canvass import NOW, circle, place, register

pytestmark = pytest.mark.django_db


def names(results):
    return [r.name for r in results]


def test_lapsed_cameras_are_apart_then_gone_or_back(deputy):
    ana = register("Ana North", place(40, 0), {"direction": 180, "range_m": 60})
    registry.record_confirmation(ana, via="link")  # her year starts: a cycle is open
    cycle = Cycle.objects.get(registrant=ana, closed_at__isnull=True)
    # A year on, nobody answered: sent long enough ago to lapse today.
    Cycle.objects.filter(pk=cycle.pk).update(sent_at=NOW - timedelta(days=60))
    with time_machine.travel(NOW, tick=False):
        confirmation_cycle.run()
    ana.refresh_from_db()
    assert ana.status == "lapsed"

    result = services.search(circle(), limits=CanvassLimits(), actor=deputy.user, now=NOW)
    assert names(result.cameras) == []
    assert names(result.apart) == ["Ana North"]

    registry.record_confirmation(ana, via="staff", actor=deputy.user, reason="Called")
    result = services.search(circle(), limits=CanvassLimits(), actor=deputy.user, now=NOW)
    assert names(result.cameras) == ["Ana North"]
    assert names(result.apart) == []
