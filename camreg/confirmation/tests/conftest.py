"""Fixtures of the yearly cycle's tests: a registration confirmed on a given day, days run."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

LA = ZoneInfo("America/Los_Angeles")


def at(day: date, hour: int = 9) -> datetime:
    """`day` at `hour` o'clock in Kern County."""
    return datetime.combine(day, time(hour), tzinfo=LA)


@pytest.fixture
def run_on(mailoutbox):
    """`run_on(day)`: the daily job on `day` (09:00 in Kern County); returns the emails it
    sent (delivered at once by the test task backend)."""
    from camreg.confirmation import services

    def run(day: date, hour: int = 9) -> list:
        before = len(mailoutbox)
        with time_machine.travel(at(day, hour), tick=False):
            services.run()
        return mailoutbox[before:]

    return run


@pytest.fixture
def confirmed_on(make_registrant):
    """`confirmed_on(day, **fields)`: a registration confirmed by staff review on `day`."""
    from camreg.registry import services as registry

    def make(day: date, **fields):
        with time_machine.travel(at(day), tick=False):
            registrant = make_registrant(fields.pop("name", "Ana Ruiz"), **fields)
            return registry.confirm_registration(registrant)

    return make
