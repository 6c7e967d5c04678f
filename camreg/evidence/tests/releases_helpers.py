"""Fixtures of the release tests (test_releases, test_share_links, test_stills and the browser
test): staff in each part of a release, a case with stored evidence files. Imported by those
test modules with `from .releases_helpers import *`: pytest finds fixtures where they are
imported, and this keeps them out of a conftest.py the other evidence tests share)."""

from __future__ import annotations

import pytest

from camreg.evidence.models import LegalBasis, ReleaseKind
from camreg.evidence.services import releases
from camreg.testing.evidence import make_case, make_evidence_file, make_video
from camreg.testing.staff import verified

__all__ = [
    "case",
    "custodian",
    "investigator",
    "second_custodian",
    "second_file",
    "video",
    "video_bytes",
]


@pytest.fixture
def custodian(staff_client):
    client = staff_client(
        "evidence_custodian", email="cora.custodian@example.org", full_name="Cora Custodian"
    )
    verified(client.user)
    return client


@pytest.fixture
def second_custodian(staff_client):
    client = staff_client(
        "evidence_custodian", email="cal.custodian@example.org", full_name="Cal Custodian"
    )
    verified(client.user)
    return client


@pytest.fixture
def investigator(deputy):
    """The deputy fixture, verified for direct service calls."""
    verified(deputy.user)
    return deputy


@pytest.fixture
def video_bytes():
    return make_video()


@pytest.fixture
def case(investigator):
    return make_case(investigator.user)


@pytest.fixture
def video(case, video_bytes):
    evidence_file = make_evidence_file(case, video_bytes, name="front-door.mp4")
    evidence_file.duration_seconds = 2.0
    evidence_file.width, evidence_file.height = 320, 240
    evidence_file.is_readable_media = True
    evidence_file.save(update_fields=["duration_seconds", "width", "height", "is_readable_media"])
    return evidence_file


@pytest.fixture
def second_file(case):
    return make_evidence_file(case, b"second file bytes" * 100, name="driveway.mp4")


def propose_share(actor, case, chosen, **overrides):
    values: dict = {
        "kind": ReleaseKind.SHARE_LINK,
        "legal_basis": LegalBasis.AGENCY,
        "recipient": "Bakersfield Police Department, Det. Ruiz",
        "description": "Front door camera, 18:00 to 19:00, for their robbery case",
    }
    values.update(overrides)
    values.setdefault("files", chosen)
    return releases.propose(case, actor=actor, **values)
