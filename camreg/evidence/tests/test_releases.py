"""Releases follow term 3: a legal basis from the allowed list, a recipient, what is released,
and the approving evidence custodian (services.releases and the console pages)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from camreg.evidence.models import (
    CustodyKind,
    LegalBasis,
    Release,
    ReleaseKind,
    ReleaseStatus,
    ShareLink,
)
from camreg.evidence.services import releases
from camreg.testing.audit import events, one_event
from camreg.testing.evidence import make_case, make_evidence_file
from camreg.testing.staff import make_staff, verified

from .releases_helpers import *  # noqa: F403 - the fixtures
from .releases_helpers import propose_share

pytestmark = pytest.mark.django_db


# Proposing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"legal_basis": ""}, "basis_required", "legal_basis"),
        ({"legal_basis": "curiosity"}, "basis_unknown", "legal_basis"),
        ({"legal_basis": LegalBasis.PUBLIC}, "basis_not_for_kind", "legal_basis"),
        ({"recipient": "   "}, "recipient_required", "recipient"),
        ({"recipient": "x" * 301}, "recipient_too_long", "recipient"),
        ({"description": ""}, "description_required", "description"),
        ({"files": []}, "files_required", "files"),
        ({"files": ["not a number"]}, "files_unknown", "files"),
        ({"kind": "telepathy"}, "kind_unknown", "kind"),
    ],
)
def test_bad_proposals_are_refused_with_a_message_and_change_nothing(
    investigator, case, video, overrides, code, field
):
    with pytest.raises(releases.ReleaseError) as raised:
        propose_share(investigator.user, case, [video.pk], **overrides)
    assert raised.value.code == code and raised.value.field == field
    assert raised.value.message
    assert not Release.objects.exists()
    assert not events("evidence.release_proposed")


def test_files_of_another_case_are_refused(investigator, case, video):
    other_case = make_case(investigator.user, case_number="KC2026-009999")
    other = make_evidence_file(other_case, b"other" * 10, name="other.mp4")
    with pytest.raises(releases.ReleaseError) as raised:
        propose_share(investigator.user, case, [video.pk, other.pk])
    assert raised.value.code == "files_unknown"
    assert not Release.objects.exists()


def test_roles_without_canvass_or_custody_cannot_propose(staff_client, case, video):
    coordinator = verified(staff_client("program_coordinator").user)
    with pytest.raises(releases.ReleaseError) as raised:
        propose_share(coordinator, case, [video.pk])
    assert raised.value.code == "forbidden"


def test_a_deputy_proposes_and_it_waits(investigator, case, video, second_file):
    release = propose_share(investigator.user, case, [video.pk, second_file.pk])
    assert release.status == ReleaseStatus.PENDING
    assert release.requested_by == investigator.user
    assert set(release.evidence_files.all()) == {video, second_file}
    event = one_event("evidence.release_proposed")
    assert event.details["legal_basis"] == "agency"
    assert not video.custody_events.filter(kind=CustodyKind.RELEASED).exists()


# Deciding ------------------------------------------------------------------------------------


def test_a_deputy_cannot_approve(investigator, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    with pytest.raises(releases.ReleaseError) as raised:
        releases.approve(release, actor=investigator.user)
    assert raised.value.code == "forbidden"
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PENDING


def test_a_custodian_approves_a_deputys_proposal(investigator, custodian, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    approval = releases.approve(release, actor=custodian.user, note="Their robbery case 26-1234")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED
    assert release.decided_by == custodian.user and release.decided_at
    assert release.decision_note == "Their robbery case 26-1234"
    released = video.custody_events.get(kind=CustodyKind.RELEASED)
    assert released.actor == custodian.user
    assert released.details["release"] == release.pk
    assert released.details["legal_basis"] == "agency"
    assert released.details["recipient"] == release.recipient
    # The kind's action: a share link, shown once.
    assert approval.share_secret and ShareLink.objects.filter(release=release).count() == 1
    assert video.custody_events.filter(kind=CustodyKind.SHARED).count() == 1
    assert one_event("evidence.release_approved").details["self_approved"] is False
    assert one_event("evidence.released").target_id == str(video.pk)


def test_refusal_needs_a_note_and_is_audited(investigator, custodian, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    with pytest.raises(releases.ReleaseError) as raised:
        releases.refuse(release, actor=custodian.user, note="")
    assert raised.value.field == "note"
    releases.refuse(release, actor=custodian.user, note="Ask through their records unit")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REFUSED
    assert one_event("evidence.release_refused").reason == "Ask through their records unit"
    assert not video.custody_events.filter(kind=CustodyKind.RELEASED).exists()
    with pytest.raises(releases.ReleaseError) as raised:
        releases.approve(release, actor=custodian.user)
    assert raised.value.code == "already_decided"


def test_a_custodian_may_approve_their_own_proposal(custodian, case, video):
    release = propose_share(custodian.user, case, [video.pk])
    releases.approve(release, actor=custodian.user, note="Subpoena 26-77")
    assert one_event("evidence.release_approved").details["self_approved"] is True


def test_someone_who_is_also_an_investigator_needs_another_custodian(second_custodian, case, video):
    both = verified(make_staff("investigator", "evidence_custodian", full_name="Ivy Both"))
    release = propose_share(both, case, [video.pk])
    assert not releases.may_approve(release, both)
    with pytest.raises(releases.ReleaseError) as raised:
        releases.approve(release, actor=both)
    assert raised.value.code == "own_request"
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PENDING
    releases.approve(release, actor=second_custodian.user)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED


def test_a_second_approval_changes_nothing(investigator, custodian, second_custodian, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    releases.approve(release, actor=custodian.user)
    stale = Release.objects.get(pk=release.pk)
    stale.status = ReleaseStatus.PENDING  # as a second browser tab saw it
    with pytest.raises(releases.ReleaseError) as raised:
        releases.approve(stale, actor=second_custodian.user)
    assert raised.value.code == "already_decided"
    assert video.custody_events.filter(kind=CustodyKind.RELEASED).count() == 1
    assert ShareLink.objects.filter(release=release).count() == 1
    release.refresh_from_db()
    assert release.decided_by == custodian.user


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_approve_once(investigator, custodian, second_custodian):
    case = make_case(investigator.user)
    video = make_evidence_file(case, b"video bytes" * 50)
    release = propose_share(investigator.user, case, [video.pk])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor):
        try:
            barrier.wait()
            releases.approve(Release.objects.get(pk=release.pk), actor=actor)
            outcomes.append("approved")
        except releases.ReleaseError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - SQLite "database is locked": refused too
            outcomes.append(type(error).__name__)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=approve, args=(custodian.user,)),
        threading.Thread(target=approve, args=(second_custodian.user,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    approved = outcomes.count("approved")
    assert approved <= 1 and set(outcomes) <= {"approved", "already_decided", "OperationalError"}
    if connection.vendor == "postgresql":  # the row's lock: the second waits, then sees it decided
        assert sorted(outcomes) == ["already_decided", "approved"], outcomes
    elif approved == 0:
        # SQLite's shared in-memory test database may refuse both at once ("database table
        # is locked"): refused, nothing changed, and approving again approves once.
        assert Release.objects.get(pk=release.pk).status == ReleaseStatus.PENDING
        assert not video.custody_events.filter(kind=CustodyKind.RELEASED).exists()
        releases.approve(Release.objects.get(pk=release.pk), actor=custodian.user)
    assert video.custody_events.filter(kind=CustodyKind.RELEASED).count() == 1
    assert ShareLink.objects.filter(release=release).count() == 1


def test_revoking_stops_the_share_links(investigator, custodian, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    releases.approve(release, actor=custodian.user)
    with pytest.raises(releases.ReleaseError):
        releases.revoke(release, actor=custodian.user, note="")
    releases.revoke(release, actor=custodian.user, note="Their case was closed")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REVOKED
    assert "Their case was closed" in release.decision_note
    assert not ShareLink.objects.usable().filter(release=release).exists()
    assert one_event("evidence.release_revoked").details["share_links_revoked"] == 1


def test_a_copy_may_be_released_by_court_order(investigator, custodian, case, video):
    release = propose_share(
        investigator.user,
        case,
        [video.pk],
        kind=ReleaseKind.COPY,
        legal_basis=LegalBasis.LAW,
        recipient="Kern County Superior Court, Dept. 4",
        description="Subpoena duces tecum 26-CR-0042",
    )
    approval = releases.approve(release, actor=custodian.user)
    assert approval.share_secret is None
    assert not ShareLink.objects.exists()
    assert video.custody_events.get(kind=CustodyKind.RELEASED).details["legal_basis"] == "law"


# Console pages -------------------------------------------------------------------------------


def test_the_propose_page_lists_the_case_files_and_term_3(investigator, case, video):
    url = reverse("evidence:release-create", kwargs={"case_pk": case.pk}) + f"?file={video.pk}"
    response = investigator.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "front-door.mp4" in html and "checked" in html
    assert "Term 3(a)" in html and "another law-enforcement agency" in html


def test_proposing_through_the_page(investigator, case, video):
    url = reverse("evidence:release-create", kwargs={"case_pk": case.pk})
    response = investigator.post(url, {"files": [video.pk], "kind": "share_link"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the legal basis" in html and "Fill in the recipient" in html
    assert not Release.objects.exists()
    response = investigator.post(
        url,
        {
            "files": [video.pk],
            "kind": "share_link",
            "legal_basis": "agency",
            "recipient": "Bakersfield PD",
            "description": "For their robbery case",
        },
    )
    release = Release.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:release", kwargs={"pk": release.pk})


def test_the_queue_is_for_custodians(investigator, custodian, case, video):
    propose_share(investigator.user, case, [video.pk])
    assert investigator.get(reverse("evidence:release-queue")).status_code == 403
    response = custodian.get(reverse("evidence:release-queue"))
    assert response.status_code == 200
    assert "Bakersfield Police Department" in response.content.decode()


def test_a_deputy_sees_the_release_but_cannot_decide(investigator, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    page = investigator.get(reverse("evidence:release", kwargs={"pk": release.pk}))
    assert page.status_code == 200 and "Approve the release" not in page.content.decode()
    response = investigator.post(
        reverse("evidence:release-decide", kwargs={"pk": release.pk}),
        {"action": "approve", "decision-note": ""},
    )
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PENDING


def test_approving_on_the_page_shows_the_link_once(investigator, custodian, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    url = reverse("evidence:release-decide", kwargs={"pk": release.pk})
    response = custodian.post(url, {"action": "approve", "decision-note": "OK"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "shown this once" in html and "/shared/" in html
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    again = custodian.get(reverse("evidence:release", kwargs={"pk": release.pk}))
    assert "/shared/" not in again.content.decode()
    # A second submit of the same form is refused, approving nothing more.
    second = custodian.post(url, {"action": "approve", "decision-note": "OK"})
    assert second.status_code == 400
    assert "already decided" in second.content.decode()
    assert video.custody_events.filter(kind=CustodyKind.RELEASED).count() == 1


def test_someone_elses_page_roles(staff_client, investigator, case, video):
    release = propose_share(investigator.user, case, [video.pk])
    auditor = staff_client("auditor")
    assert auditor.get(reverse("evidence:release", kwargs={"pk": release.pk})).status_code == 403
