"""The tus endpoint behind a footage request's link: the protocol, the completion into an
evidence file, and every refusal (with a clear message and nothing stored)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from camreg.evidence.models import (
    CustodyEvent,
    CustodyKind,
    EvidenceFile,
    Submission,
    Upload,
    UploadSegment,
)
from camreg.evidence.services.storage import evidence_storage
from camreg.footage import services as footage
from camreg.footage.models import Answer, Status
from camreg.testing.evidence import make_video

from .tus_support import TUS, create, patch, send_request, statements

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x90" * 4000


@pytest.fixture
def link(deputy):
    """(footage request, token, client) with the owner's statements made."""
    footage_request, token = send_request(deputy.user)
    client = Client()
    statements(client, token)
    return footage_request, token, client


def _stored_names() -> list[str]:
    storage = evidence_storage()
    names = []

    def walk(folder):
        folders, files = storage.listdir(folder)
        names.extend(f"{folder}/{f}".lstrip("/") for f in files)
        for sub in folders:
            if sub != ".incoming":
                walk(f"{folder}/{sub}".lstrip("/"))

    if storage.exists("uploads"):
        walk("uploads")
    return names


def _nothing_stored_for(upload_ids=None):
    assert not UploadSegment.objects.exists()
    assert not EvidenceFile.objects.exists()
    for upload_id in upload_ids or []:
        assert not [n for n in _stored_names() if str(upload_id) in n]


def test_options_advertises_the_protocol(link):
    _request, token, client = link
    response = client.options(f"/footage/files/{token}/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) >= {
        "creation",
        "termination",
        "expiration",
        "checksum",
    }
    assert int(response["Tus-Max-Size"]) == 20 * 1024**3
    assert "sha256" in response["Tus-Checksum-Algorithm"]


def test_an_upload_in_chunks_becomes_evidence_received_from_the_owner(link, settings):
    footage_request, token, client = link
    video = make_video()
    response = create(client, token, len(video), name="porch.mp4")
    assert response.status_code == 201, response.content
    location = response["Location"]
    assert location.startswith(f"/footage/files/{token}/")
    assert response["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in response
    offset = 0
    for size in (1000, 70_000, len(video)):
        chunk = video[offset : offset + size]
        response = patch(client, location, chunk, offset)
        assert response.status_code == 204, response.content
        offset += len(chunk)
        assert int(response["Upload-Offset"]) == offset
        head = client.head(location, **TUS)
        assert head.status_code == 200
        assert int(head["Upload-Offset"]) == offset
        assert int(head["Upload-Length"]) == len(video)
        if offset >= len(video):
            break
    upload = Upload.objects.get()
    assert upload.completed_at is not None
    assert upload.kind == "video" and upload.content_type == "video/mp4"
    evidence = EvidenceFile.objects.get()
    assert evidence.upload == upload and evidence.size == len(video)
    assert evidence.original_name == "porch.mp4"
    assert evidence.case == footage_request.case
    received = CustodyEvent.objects.get(evidence_file=evidence, kind=CustodyKind.RECEIVED)
    assert received.actor is None
    assert received.actor_name == "the owner (request link)"
    submission = Submission.objects.get()
    assert submission.states_unaltered is True
    footage_request.refresh_from_db()
    assert footage_request.status == Status.FOOTAGE_RECEIVED
    # The link keeps working for more files until it expires; the answer cannot change.
    assert client.get(f"/footage/{token}/upload/").status_code == 200
    assert create(client, token, 10).status_code == 201
    with pytest.raises(footage.LinkInvalid):
        footage.answer(token, Answer.NO_FOOTAGE)


def test_an_upload_with_its_first_bytes_in_the_creation_request(link):
    _request, token, client = link
    video = make_video()
    response = client.post(
        f"/footage/files/{token}/",
        video,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_LENGTH=str(len(video)),
        **TUS,
    )
    assert response.status_code == 201
    assert int(response["Upload-Offset"]) == len(video)
    assert EvidenceFile.objects.get().size == len(video)


def test_the_checksum_of_each_patch_is_checked(link):
    _request, token, client = link
    video = make_video()
    location = create(client, token, len(video))["Location"]
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    response = patch(client, location, video, 0, HTTP_UPLOAD_CHECKSUM=f"sha256 {wrong}")
    assert response.status_code == 460
    assert "checksum" in response.content.decode()
    _nothing_stored_for([Upload.objects.get().pk])
    right = base64.b64encode(hashlib.sha256(video).digest()).decode()
    response = patch(client, location, video, 0, HTTP_UPLOAD_CHECKSUM=f"sha256 {right}")
    assert response.status_code == 204
    response = patch(client, location, b"x", 0, HTTP_UPLOAD_CHECKSUM="crc32 AAAA")
    assert response.status_code == 400
    assert "sha256" in response.content.decode()


def test_termination_deletes_the_bytes(link):
    _request, token, client = link
    location = create(client, token, 200_000)["Location"]
    assert patch(client, location, make_video()[:100_000], 0).status_code == 204
    assert UploadSegment.objects.count() == 1
    assert client.delete(location, **TUS).status_code == 204
    assert client.head(location, **TUS).status_code == 404
    _nothing_stored_for([Upload.objects.get().pk])


def test_an_expired_upload_is_gone(link, settings):
    _request, token, client = link
    settings.EVIDENCE_UPLOAD_EXPIRY_HOURS = 1
    location = create(client, token, 200_000)["Location"]
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert client.head(location, **TUS).status_code == 410


# Refusals ---------------------------------------------------------------------------------


def test_another_requests_link_cannot_reach_the_upload(link, deputy):
    _request, token, client = link
    location = create(client, token, 200_000)["Location"]
    upload_id = location.rsplit("/", 1)[-1]
    _other, other_token = send_request(deputy.user)
    other = Client()
    statements(other, other_token)
    for method in ("head", "patch", "delete"):
        response = getattr(other, method)(
            f"/footage/files/{other_token}/{upload_id}",
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET="0",
            **TUS,
        )
        assert response.status_code == 404, method
    assert (
        "no such upload"
        in other.patch(
            f"/footage/files/{other_token}/{upload_id}",
            b"x",
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET="0",
            **TUS,
        )
        .content.decode()
        .lower()
    )
    _nothing_stored_for([upload_id])
    assert Upload.objects.get(pk=upload_id).terminated_at is None


def test_a_forged_upload_id_or_link_is_not_found(link):
    _request, token, client = link
    for upload_id in (str(uuid.uuid4()), "../../etc/passwd", "1 OR 1=1", "x" * 300):
        response = client.head(f"/footage/files/{token}/{upload_id}", **TUS)
        assert response.status_code == 404, upload_id
    response = create(client, "not-a-real-link-" + "x" * 40, 1000)
    assert response.status_code == 404
    assert "link does not work" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_request_answered_otherwise_has_no_upload(deputy):
    footage_request, token = send_request(deputy.user, answer=False)
    client = Client()
    assert create(client, token, 1000).status_code == 404  # not answered yet
    footage.answer(token, Answer.NO_FOOTAGE)
    assert create(client, token, 1000).status_code == 404
    assert client.get(f"/footage/{token}/upload/").status_code == 410
    assert not Upload.objects.exists()


def test_an_expired_link_explains_itself_in_the_owners_language(deputy):
    footage_request, token = send_request(deputy.user, language="es")
    client = Client()
    statements(client, token)
    location = create(client, token, 200_000)["Location"]
    with time_machine.travel(footage_request.link_expires_at + timedelta(minutes=1)):
        response = create(client, token, 1000)
        assert response.status_code == 410
        assert response["Content-Language"] == "es"
        assert "enlace" in response.content.decode().lower()
        assert patch(client, location, b"x" * 10, 0).status_code == 410
        page = client.get(f"/footage/{token}/upload/")
        assert page.status_code == 410
        assert page["Content-Language"] == "es"
    assert Upload.objects.count() == 1
    _nothing_stored_for()


def test_an_oversize_file_is_refused_before_a_byte(link, settings):
    _request, token, client = link
    response = create(client, token, 20 * 1024**3 + 1)
    assert response.status_code == 413
    assert "20 GiB" in response.content.decode()
    settings.EVIDENCE_MAX_SUBMISSION_BYTES = 300_000
    assert create(client, token, 200_000).status_code == 201
    response = create(client, token, 200_000)
    assert response.status_code == 413
    assert "together" in response.content.decode()
    assert Upload.objects.count() == 1
    _nothing_stored_for()


def test_at_most_so_many_files(link, settings):
    _request, token, client = link
    settings.EVIDENCE_MAX_FILES = 2
    assert create(client, token, 1000).status_code == 201
    assert create(client, token, 1000).status_code == 201
    response = create(client, token, 1000)
    assert response.status_code == 403
    assert "at most 2 files" in response.content.decode()
    assert Upload.objects.count() == 2


def test_an_executable_renamed_mp4_is_refused_and_deleted(link):
    _request, token, client = link
    location = create(client, token, len(ELF), name="holiday.mp4")["Location"]
    response = patch(client, location, ELF, 0)
    assert response.status_code == 415
    text = response.content.decode()
    assert "holiday.mp4" in text and "not a video" in text
    upload = Upload.objects.get()
    assert upload.terminated_at is not None
    _nothing_stored_for([upload.pk])
    assert client.head(location, **TUS).status_code == 404


def test_the_type_is_detected_once_the_first_64_kib_are_in(link):
    _request, token, client = link
    body = ELF + bytes(200_000)
    location = create(client, token, len(body), name="clip.mp4")["Location"]
    assert patch(client, location, body[:30_000], 0).status_code == 204  # not enough yet
    response = patch(client, location, body[30_000:100_000], 30_000)
    assert response.status_code == 415
    _nothing_stored_for([Upload.objects.get().pk])


def test_no_verdict_on_the_type_before_the_first_bytes_can_be_read(link):
    """A HEAD that sees an offset past 64 KiB before the segment that holds those bytes is
    readable (another server still recording it) must not refuse a good file."""
    _request, token, client = link
    body = make_video() + bytes(200_000)
    location = create(client, token, len(body), name="clip.mp4")["Location"]
    Upload.objects.update(offset=100_000)  # the offset moved; no segment to read yet
    response = client.head(location, **TUS)
    assert response.status_code == 200
    assert response["Upload-Offset"] == "100000"
    upload = Upload.objects.get()
    assert upload.terminated_at is None and upload.kind == ""


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_bytes_a_power_cut_took_back_are_asked_for_again(link, damage):
    """Segments acknowledged, then shortened or lost (the page cache never reached the disk):
    the client's HEAD is answered with the offset of the first damaged segment, the segments
    from there are dropped, and the resumed upload is whole."""
    _request, token, client = link
    body = make_video() + bytes(range(256)) * 800
    location = create(client, token, len(body), name="porch.mp4")["Location"]
    cuts = [0, 70_000, 120_000, 170_000]
    for start, end in zip(cuts, cuts[1:], strict=False):
        assert patch(client, location, body[start:end], start).status_code == 204
    storage = evidence_storage()
    second = UploadSegment.objects.get(offset=70_000)
    path = storage.path(second.name)
    if damage == "truncated":
        with open(path, "r+b") as handle:
            handle.truncate(second.length - 1000)
    else:
        storage.delete(second.name)

    head = client.head(location, **TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == "70000"
    assert list(UploadSegment.objects.values_list("offset", flat=True)) == [0]
    assert not storage.exists(f"uploads/{Upload.objects.get().pk}/120000")
    assert patch(client, location, body[70_000:], 70_000).status_code == 204
    evidence = EvidenceFile.objects.get()
    assert evidence.size == len(body)
    assert not EvidenceFile.objects.exclude(pk=evidence.pk).exists()
    stored = b"".join(
        storage.open(segment.name, "rb").read()
        for segment in UploadSegment.objects.order_by("offset")
    )
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.mp4", "..\\..\\windows\\win.ini.mp4", "/etc/shadow", "a\x00b.mp4", ".."],
)
def test_path_traversal_names_are_kept_for_display_only(link, name, tmp_path):
    _request, token, client = link
    video = make_video()
    location = create(client, token, len(video), name=name)["Location"]
    assert patch(client, location, video, 0).status_code == 204
    evidence = EvidenceFile.objects.get()
    assert "/" not in evidence.original_name and "\\" not in evidence.original_name
    assert "\x00" not in evidence.original_name and not evidence.original_name.startswith(".")
    upload = Upload.objects.get()
    for segment_name in UploadSegment.objects.values_list("name", flat=True):
        assert segment_name.startswith(f"uploads/{upload.pk}/")
    if evidence.stored_name:
        assert evidence.stored_name.startswith("evidence/")
        assert ".." not in evidence.stored_name


def test_a_patch_at_the_wrong_offset_is_a_conflict(link):
    _request, token, client = link
    location = create(client, token, 200_000)["Location"]
    response = patch(client, location, b"\x00" * 100, 50)
    assert response.status_code == 409
    assert "not at byte 50" in response.content.decode()
    _nothing_stored_for([Upload.objects.get().pk])


def test_a_patch_of_the_wrong_content_type_is_refused(link):
    _request, token, client = link
    location = create(client, token, 200_000)["Location"]
    response = patch(client, location, b"x" * 100, 0, content_type="application/json")
    assert response.status_code == 415
    assert "application/offset+octet-stream" in response.content.decode()
    _nothing_stored_for([Upload.objects.get().pk])


def test_bytes_past_the_length_are_refused(link):
    _request, token, client = link
    location = create(client, token, 100)["Location"]
    response = patch(client, location, b"x" * 101, 0)
    assert response.status_code == 413
    _nothing_stored_for([Upload.objects.get().pk])


def test_a_client_without_tus_resumable_is_told_the_version(link):
    _request, token, client = link
    response = client.post(f"/footage/files/{token}/", HTTP_UPLOAD_LENGTH="10")
    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"


def test_no_upload_before_the_statements(deputy):
    _request, token = send_request(deputy.user)
    response = create(Client(), token, 1000)
    assert response.status_code == 409
    assert "questions" in response.content.decode()


def test_a_patch_larger_than_the_sites_body_limit_is_not_refused(link, settings):
    _request, token, client = link
    settings.MAX_REQUEST_BODY = 1000
    video = make_video()
    location = create(client, token, len(video))["Location"]
    assert patch(client, location, video, 0).status_code == 204


_header_text = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"-?[0-9]{1,25}", fullmatch=True),
    st.sampled_from(["", " ", "1e9", "0x10", "+5", "١٢٣", "99999999999999999999999", "NaN"]),
)
_metadata = st.one_of(
    st.text(max_size=200),
    st.lists(st.tuples(st.text(max_size=10), st.binary(max_size=40)), max_size=5).map(
        lambda pairs: ",".join(f"{k} {base64.b64encode(v).decode()}" for k, v in pairs)
    ),
)


def _header_safe(value: str) -> bool:
    return all(32 <= ord(c) < 127 for c in value)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(length=_header_text, offset=_header_text, meta=_metadata)
def test_hostile_headers_never_break_or_store_anything(link, length, offset, meta):
    _request, token, client = link
    headers = {}
    if _header_safe(length):
        headers["HTTP_UPLOAD_LENGTH"] = length
    if _header_safe(meta):
        headers["HTTP_UPLOAD_METADATA"] = meta
    response = client.post(f"/footage/files/{token}/", **TUS, **headers)
    assert response.status_code in (201, 400, 403, 409, 413), response.status_code
    if response.status_code != 201:
        assert response.content  # a message
        return
    location = response["Location"]
    response = client.patch(
        location,
        b"\x7fELF-not-video",
        content_type="application/offset+octet-stream",
        **TUS,
        **({"HTTP_UPLOAD_OFFSET": offset} if _header_safe(offset) else {}),
    )
    assert response.status_code in (204, 400, 409, 413, 415), response.status_code
    assert not EvidenceFile.objects.exists()
    client.delete(location, **TUS)
