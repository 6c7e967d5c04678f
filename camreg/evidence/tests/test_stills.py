"""Stills for bulletins and flyers: a frame at a chosen time (PyAV), released through the media
or the community only once a custodian approves (services.stills and the pages)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from PIL import Image

from camreg.evidence.models import CustodyKind, FileKind, LegalBasis, ReleaseStatus, Still
from camreg.evidence.services import frames, releases, stills
from camreg.evidence.services.storage import evidence_storage
from camreg.testing.audit import one_event
from camreg.testing.evidence import make_evidence_file

from .releases_helpers import *  # noqa: F403 - the fixtures

pytestmark = pytest.mark.django_db


def pixels(jpeg: bytes):
    return Image.open(io.BytesIO(jpeg)).convert("RGB")


def stored(still: Still) -> bytes:
    with evidence_storage().open(still.image_name, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1.5", 1.5), ("90", 90), ("1:30", 90), ("1:30.5", 90.5), ("0:01:02", 62), ("2,5", 2.5)],
)
def test_times_are_read_as_seconds_or_minutes_and_seconds(text, seconds):
    assert stills.parse_time(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-1", "1:75", "1:2:3:4", "1e9", "nan"])
def test_unreadable_times_are_refused_with_a_message(text):
    with pytest.raises(stills.StillError) as raised:
        stills.parse_time(text)
    assert raised.value.field == "at" and raised.value.message


def test_frames_at_different_times_differ(video_bytes):
    early, _w, _h = frames.extract_frame(io.BytesIO(video_bytes), 0.5)
    late, width, height = frames.extract_frame(io.BytesIO(video_bytes), 1.5)
    assert (width, height) == (320, 240)
    # make_video: the right three quarters go from black to white over the two seconds.
    early_grey = pixels(early).getpixel((200, 120))[1]
    late_grey = pixels(late).getpixel((200, 120))[1]
    assert late_grey - early_grey > 100
    # The left quarter's red goes the other way.
    assert pixels(early).getpixel((20, 120))[0] > pixels(late).getpixel((20, 120))[0] + 100


def test_a_time_beyond_the_end_is_refused(video_bytes):
    with pytest.raises(stills.StillError) as raised:
        frames.extract_frame(io.BytesIO(video_bytes), 2.5)
    assert raised.value.code == "beyond_end"
    assert "0:02 long" in raised.value.message


def test_a_file_that_is_not_video_is_refused():
    with pytest.raises(stills.StillError) as raised:
        frames.extract_frame(io.BytesIO(b"MZ\x90\x00 not a video at all"), 0)
    assert raised.value.code == "unreadable"


def test_decoding_work_is_capped(monkeypatch, video_bytes):
    monkeypatch.setattr(frames, "MAX_DECODED_FRAMES", 3)
    with pytest.raises(stills.StillError) as raised:
        frames.extract_frame(io.BytesIO(video_bytes), 1.5)
    assert raised.value.code == "too_much_work"


def test_taking_a_still_stores_a_jpeg_with_its_hash(investigator, video):
    still = stills.take_still(video, 1.5, actor=investigator.user)
    data = stored(still)
    assert data.startswith(b"\xff\xd8") and hashlib.sha256(data).hexdigest() == still.sha256
    assert still.release is None
    event = video.custody_events.get(kind=CustodyKind.EXPORTED)
    assert event.details["still"] == still.pk and event.details["still_sha256"] == still.sha256
    assert not video.custody_events.filter(kind=CustodyKind.RELEASED).exists()


def test_a_still_is_taken_from_videos_only(investigator, case):
    image = make_evidence_file(
        case, b"\xff\xd8\xff\xd9", name="photo.jpg", kind=FileKind.IMAGE, content_type="image/jpeg"
    )
    with pytest.raises(stills.StillError) as raised:
        stills.take_still(image, 0, actor=investigator.user)
    assert raised.value.code == "not_video"
    assert not Still.objects.exists()


def test_the_release_of_a_still_needs_a_legal_basis_and_a_custodian(investigator, custodian, video):
    still = stills.take_still(video, 0.5, actor=investigator.user)
    with pytest.raises(releases.ReleaseError) as raised:
        stills.propose_bulletin(
            still,
            actor=investigator.user,
            headline="Do you know him?",
            bulletin_text="Call us",
            legal_basis="",
        )
    assert raised.value.code == "basis_required"
    with pytest.raises(releases.ReleaseError) as raised:
        stills.propose_bulletin(
            still,
            actor=investigator.user,
            headline="Do you know him?",
            bulletin_text="Call us",
            legal_basis=LegalBasis.AGENCY,
        )
    assert raised.value.code == "basis_not_for_kind"
    still.refresh_from_db()
    assert still.release is None and still.headline == ""

    stills.propose_bulletin(
        still,
        actor=investigator.user,
        headline="Do you recognize this person?",
        bulletin_text="Burglary on Truxtun Ave, November 18 at 6 pm.",
    )
    still.refresh_from_db()
    assert still.release.legal_basis == LegalBasis.PUBLIC
    assert still.release.status == ReleaseStatus.PENDING
    assert not stills.is_printable(still)
    with pytest.raises(releases.ReleaseError):
        releases.approve(still.release, actor=investigator.user)

    releases.approve(still.release, actor=custodian.user, note="For the Friday bulletin")
    still.refresh_from_db()
    assert stills.is_printable(still)
    released = video.custody_events.get(kind=CustodyKind.RELEASED)
    assert released.details["at_seconds"] == 0.5
    assert released.details["still_sha256"] == still.sha256
    assert released.details["legal_basis"] == "public"
    assert released.actor == custodian.user


def test_the_bulletin_is_a_draft_until_approved(investigator, custodian, video):
    still = stills.take_still(video, 1.0, actor=investigator.user)
    bulletin_url = reverse("evidence:bulletin", kwargs={"pk": still.pk})
    image_url = reverse("evidence:still-image", kwargs={"pk": still.pk})
    html = investigator.get(bulletin_url).content.decode()
    assert "Draft: not approved for release" in html and "print-bulletin" not in html
    assert investigator.get(image_url + "?download=1").status_code == 403

    response = investigator.post(
        reverse("evidence:still", kwargs={"pk": still.pk}),
        {
            "headline": "Do you recognize this person?",
            "bulletin_text": "Burglary, 1200 Truxtun Ave.",
            "recipient": stills.DEFAULT_RECIPIENT,
        },
    )
    assert response.status_code == 302
    still.refresh_from_db()
    assert "Draft" in investigator.get(bulletin_url).content.decode()

    releases.approve(still.release, actor=custodian.user)
    html = investigator.get(bulletin_url).content.decode()
    assert "Draft" not in html and "print-bulletin" in html
    assert "Kern County Sheriff" in html and "KC2026-004711" in html
    assert "Do you recognize this person?" in html
    download = investigator.get(image_url + "?download=1")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def _approved_bulletin(investigator, custodian, video) -> tuple[Still, str]:
    still = stills.take_still(video, 1.0, actor=investigator.user)
    stills.propose_bulletin(
        still,
        headline="¿Reconoce a esta persona?",
        bulletin_text="Robo en 1200 Truxtun Ave.",
        recipient=stills.DEFAULT_RECIPIENT,
        actor=investigator.user,
    )
    still.refresh_from_db()
    releases.approve(still.release, actor=custodian.user)
    return still, reverse("evidence:bulletin", kwargs={"pk": still.pk})


def test_the_bulletin_prints_in_spanish(investigator, custodian, video):
    still, url = _approved_bulletin(investigator, custodian, video)
    html = investigator.get(url + "?language=es").content.decode()
    article = html[html.index("<article") : html.index("</article>")]
    assert 'lang="es"' in article and 'aria-label="Boletín"' in article
    assert "Oficina del Sheriff del Condado de Kern" in article
    assert "Caso KC2026-004711" in article
    assert (
        "Si tiene información, llame al" in article and "En una emergencia, llame al 911" in article
    )
    assert "Fotograma de un video de evidencia del caso KC2026-004711" in article
    # What was approved prints as it was approved; the console around it stays in English.
    assert "¿Reconoce a esta persona?" in article and "Robo en 1200 Truxtun Ave." in article
    assert "Print the bulletin" in html and "If you have information" not in html
    assert 'aria-current="page">Español</a>' in html
    assert one_event("evidence.bulletin_viewed").details["language"] == "es"


@pytest.mark.parametrize("asked", ["fr", "ES", "<script>", ""])
def test_a_bulletin_in_an_unknown_language_prints_in_english(investigator, custodian, video, asked):
    still, url = _approved_bulletin(investigator, custodian, video)
    response = investigator.get(url, {"language": asked})
    html = response.content.decode()
    assert response.status_code == 200
    article = html[html.index("<article") : html.index("</article>")]
    assert 'lang="en"' in article and "Case KC2026-004711" in article
    assert "If you have information, call" in article and "<script>" not in article
    assert one_event("evidence.bulletin_viewed").details["language"] == "en"


def test_the_still_image_is_served_to_staff_only(investigator, staff_client, video):
    still = stills.take_still(video, 1.0, actor=investigator.user)
    url = reverse("evidence:still-image", kwargs={"pk": still.pk})
    response = investigator.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == stored(still)
    assert staff_client("auditor").get(url).status_code == 403


def test_the_still_picker_page(investigator, video):
    url = reverse("evidence:still-create", kwargs={"file_pk": video.pk})
    page = investigator.get(url)
    assert page.status_code == 200 and "Time in the video" in page.content.decode()
    refused = investigator.post(url, {"at": "0:05"})
    assert refused.status_code == 400
    assert "choose a time up to 0:02" in refused.content.decode()
    assert not Still.objects.exists()
    taken = investigator.post(url, {"at": "0:01.5"})
    still = Still.objects.get()
    assert taken["Location"] == reverse("evidence:still", kwargs={"pk": still.pk})
    assert still.at_seconds == 1.5


def test_the_released_still_shows_in_the_files_custody_events(investigator, custodian, video):
    still = stills.take_still(video, 1.5, actor=investigator.user)
    stills.propose_bulletin(
        still, actor=investigator.user, headline="Wanted", bulletin_text="Call 661-391-7500"
    )
    still.refresh_from_db()
    releases.approve(still.release, actor=custodian.user)
    kinds = list(video.custody_events.values_list("kind", flat=True))
    assert kinds == [CustodyKind.EXPORTED, CustodyKind.RELEASED]
    assert one_event("evidence.released").details["still"] == still.pk
