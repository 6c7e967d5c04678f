"""Sharing with another law-enforcement agency: an expiring, audited download link."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.evidence.models import CustodyKind, ShareLink
from camreg.evidence.services import releases, sharing
from camreg.testing.audit import events

from .releases_helpers import *  # noqa: F403 - the fixtures
from .releases_helpers import propose_share

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(investigator, custodian, case, video, second_file):
    """An approved share-link release of two files: (release, secret)."""
    release = propose_share(investigator.user, case, [video.pk, second_file.pk])
    approval = releases.approve(release, actor=custodian.user)
    return approval.release, approval.share_secret


def page_url(secret: str) -> str:
    return reverse("evidence-share:page", kwargs={"token": secret})


def download_url(secret: str, evidence_file) -> str:
    return reverse(
        "evidence-share:download", kwargs={"token": secret, "file_id": evidence_file.public_id}
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_link_expires_after_the_configured_days(settings, shared):
    release, _secret = shared
    link = ShareLink.objects.get(release=release)
    expected = timezone.now() + timedelta(days=settings.EVIDENCE_SHARE_LINK_DAYS)
    assert abs((link.expires_at - expected).total_seconds()) < 60
    assert link.token_hash != _secret  # only the hash is stored


def test_the_page_lists_the_files_with_their_hashes(shared, video, second_file):
    _release, secret = shared
    response = Client().get(page_url(secret))
    html = response.content.decode()
    assert response.status_code == 200
    assert video.sha256 in html and second_file.sha256 in html
    assert "front-door.mp4" in html and "KC2026-004711" in html
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert events("evidence.share_link_opened")


def test_a_download_is_an_attachment_and_a_custody_event(shared, video, video_bytes):
    release, secret = shared
    response = Client().get(download_url(secret, video), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="front-door.mp4"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == video.sha256 and data == video_bytes
    event = video.custody_events.get(kind=CustodyKind.DOWNLOADED)
    link = ShareLink.objects.get(release=release)
    assert event.actor is None
    assert event.actor_name == f"{release.recipient} (share link {link.pk})"
    assert event.ip == "198.51.100.7"
    assert event.details == {"release": release.pk, "share_link": link.pk}
    assert event.sha256 == video.sha256


def test_a_file_outside_the_release_is_not_served(shared, case):
    from camreg.testing.evidence import make_evidence_file

    _release, secret = shared
    other = make_evidence_file(case, b"not shared" * 10, name="not-shared.mp4")
    response = Client().get(download_url(secret, other))
    assert response.status_code == 404
    assert not other.custody_events.filter(kind=CustodyKind.DOWNLOADED).exists()


def test_an_expired_link_explains_itself_and_serves_nothing(shared, video):
    _release, secret = shared
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        client = Client()
        page = client.get(page_url(secret))
        assert page.status_code == 410
        assert "has expired" in page.content.decode()
        assert video.sha256 not in page.content.decode()
        download = client.get(download_url(secret, video))
        assert download.status_code == 410
        assert "Content-Disposition" not in download
    assert not video.custody_events.filter(kind=CustodyKind.DOWNLOADED).exists()


def test_a_revoked_link_explains_itself_and_serves_nothing(custodian, shared, video):
    release, secret = shared
    link = ShareLink.objects.get(release=release)
    assert sharing.revoke_link(link, actor=custodian.user)
    client = Client()
    page = client.get(page_url(secret))
    assert page.status_code == 410 and "was revoked" in page.content.decode()
    assert client.get(download_url(secret, video)).status_code == 410
    assert not video.custody_events.filter(kind=CustodyKind.DOWNLOADED).exists()
    assert events("evidence.share_link_revoked")


def test_revoking_the_release_stops_its_link(custodian, shared, video):
    release, secret = shared
    releases.revoke(release, actor=custodian.user, note="Sent in error")
    assert Client().get(download_url(secret, video)).status_code == 410


def test_a_custodian_revokes_on_the_release_page(custodian, shared):
    release, secret = shared
    link = ShareLink.objects.get(release=release)
    url = reverse("evidence:share-link-revoke", kwargs={"pk": release.pk, "link_pk": link.pk})
    assert custodian.post(url).status_code == 302
    assert Client().get(page_url(secret)).status_code == 410


def test_a_new_link_replaces_the_earlier_one(custodian, shared):
    release, secret = shared
    response = custodian.post(reverse("evidence:share-link-new", kwargs={"pk": release.pk}))
    assert response.status_code == 200
    assert "shown this once" in response.content.decode()
    assert Client().get(page_url(secret)).status_code == 410
    assert ShareLink.objects.usable().filter(release=release).count() == 1


@pytest.mark.parametrize(
    "forged", ["not-a-real-token", "A" * 43, "x" * 500, "%00", "../../etc/passwd"]
)
def test_a_forged_token_finds_nothing(shared, video, forged):
    client = Client()
    response = client.get(page_url(forged) if "/" not in forged else "/shared/..%2F..%2Fetc/")
    assert response.status_code in (404, 410)
    assert video.sha256 not in response.content.decode()


def test_the_public_page_is_rate_limited(settings, shared):
    _release, secret = shared
    settings.EVIDENCE_SHARE_LINK_RATE = "3/m"
    client = Client()
    statuses = [client.get(page_url("A" * 43)).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(page_url(secret)).status_code == 429
