"""Processing a completed upload: one stored object, its SHA-256, media facts, a poster, the
custody event, the retention category; idempotent and safe to run again after a crash."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import time

import pytest
from PIL import Image

from camreg.evidence import tasks
from camreg.evidence.models import (
    CustodyKind,
    EvidenceFile,
    FileStatus,
    RetentionCategory,
    UploadSegment,
)
from camreg.evidence.services import media_reader, processing
from camreg.evidence.services.storage import evidence_storage
from camreg.testing.evidence import make_case, make_uploaded_file, make_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(deputy):
    return make_case(deputy.user)


def kinds(evidence_file):
    return list(evidence_file.custody_events.values_list("kind", flat=True))


def stored_bytes(name: str) -> bytes:
    with evidence_storage().open(name, "rb") as f:
        return f.read()


def test_a_real_mp4_is_assembled_hashed_probed_and_postered(case):
    video = make_video(seconds=2, width=320, height=240, creation_time="2026-11-18T18:03:00Z")
    evidence_file = make_uploaded_file(case, video, segments=3)
    segment_names = list(
        UploadSegment.objects.filter(upload=evidence_file.upload).values_list("name", flat=True)
    )
    assert len(segment_names) == 3

    assert processing.process(evidence_file.pk) == "processed"

    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert evidence_file.processed_at is not None
    assert evidence_file.stored_name == (
        f"evidence/{evidence_file.submission.public_id}/{evidence_file.public_id}"
    )
    assert stored_bytes(evidence_file.stored_name) == video
    assert evidence_file.sha256 == hashlib.sha256(video).hexdigest()
    assert evidence_file.size == len(video)
    assert evidence_file.is_readable_media
    assert evidence_file.codec == "h264"
    assert (evidence_file.width, evidence_file.height) == (320, 240)
    assert evidence_file.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert evidence_file.recording_started_at.isoformat() == "2026-11-18T18:03:00+00:00"
    assert evidence_file.media_facts["video"]["codec"] == "h264"
    # The poster: a JPEG in the storage.
    poster = Image.open(io.BytesIO(stored_bytes(evidence_file.poster_name)))
    assert poster.format == "JPEG" and poster.size == (320, 240)
    # The segments are gone, objects and rows.
    assert not UploadSegment.objects.filter(upload=evidence_file.upload).exists()
    assert not any(evidence_storage().exists(name) for name in segment_names)
    # Custody: received, then the hash computed by the system, with the hash.
    assert kinds(evidence_file) == [CustodyKind.RECEIVED, CustodyKind.HASH_COMPUTED]
    event = evidence_file.custody_events.get(kind=CustodyKind.HASH_COMPUTED)
    assert event.sha256 == evidence_file.sha256 == event.details["sha256"]
    assert event.actor is None and "system" in event.actor_name
    # Retention: the default category.
    default = RetentionCategory.objects.get(is_default=True)
    assert evidence_file.retention_category == default
    assert (evidence_file.retain_until - evidence_file.created_at).days == default.retention_days


def test_the_task_processes_the_file(case):
    evidence_file = make_uploaded_file(case, make_video(), segments=2)
    tasks.process_evidence_file.enqueue(evidence_file.pk)  # immediate backend in tests
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY


def test_a_wide_video_has_a_poster_640_wide(case):
    evidence_file = make_uploaded_file(case, make_video(seconds=1, width=1280, height=720))
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    poster = Image.open(io.BytesIO(stored_bytes(evidence_file.poster_name)))
    assert poster.size == (640, 360)


def test_a_single_segment_is_renamed_and_hashed(case):
    video = make_video()
    evidence_file = make_uploaded_file(case, video, segments=1)
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert stored_bytes(evidence_file.stored_name) == video
    assert evidence_file.sha256 == hashlib.sha256(video).hexdigest()


def test_small_chunks_and_many_segments_keep_the_bytes_in_order(case, monkeypatch):
    monkeypatch.setattr(processing, "CHUNK", 1000)
    content = os.urandom(25_000)
    evidence_file = make_uploaded_file(
        case, content, segments=7, name="export.dav", content_type="application/octet-stream"
    )
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert stored_bytes(evidence_file.stored_name) == content
    assert evidence_file.sha256 == hashlib.sha256(content).hexdigest()


def test_processing_twice_changes_nothing(case):
    evidence_file = make_uploaded_file(case, make_video())
    processing.process(evidence_file.pk)
    assert processing.process(evidence_file.pk) == "already processed"
    evidence_file.refresh_from_db()
    assert kinds(evidence_file).count(CustodyKind.HASH_COMPUTED) == 1


def test_a_crash_before_the_commit_leaves_nothing_visible_and_a_retry_finishes(case, monkeypatch):
    video = make_video()
    evidence_file = make_uploaded_file(case, video, segments=3)

    def killed(*args, **kwargs):
        raise SystemExit("kill -9")  # the worker dies after storing the assembled object

    monkeypatch.setattr(media_reader, "read", killed)
    with pytest.raises(SystemExit):
        processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.PROCESSING
    assert evidence_file.stored_name == "" and evidence_file.sha256 == ""
    assert kinds(evidence_file) == [CustodyKind.RECEIVED]
    assert UploadSegment.objects.filter(upload=evidence_file.upload).count() == 3

    monkeypatch.undo()
    assert processing.process(evidence_file.pk) == "processed"
    evidence_file.refresh_from_db()
    assert evidence_file.sha256 == hashlib.sha256(video).hexdigest()
    assert stored_bytes(evidence_file.stored_name) == video


def test_a_half_written_object_of_a_dead_attempt_is_replaced(case):
    video = make_video()
    evidence_file = make_uploaded_file(case, video, segments=2)
    name = processing.final_name(evidence_file)
    evidence_storage().save(name, io.BytesIO(video[:100]))  # what a killed worker left
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.stored_name == name
    assert stored_bytes(name) == video


def test_a_crash_after_renaming_a_single_segment_is_recovered(case, monkeypatch):
    video = make_video()
    evidence_file = make_uploaded_file(case, video, segments=1)
    monkeypatch.setattr(
        media_reader, "read", lambda source, size: (_ for _ in ()).throw(SystemExit())
    )
    with pytest.raises(SystemExit):
        processing.process(evidence_file.pk)
    segment = UploadSegment.objects.get(upload=evidence_file.upload)
    assert not evidence_storage().exists(segment.name)  # renamed already
    monkeypatch.undo()
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert evidence_file.sha256 == hashlib.sha256(video).hexdigest()


def test_segments_left_after_a_committed_attempt_are_cleaned_up(case, monkeypatch):
    evidence_file = make_uploaded_file(case, make_video(), segments=2)
    monkeypatch.setattr(processing, "delete_segments", lambda f: 0)  # died after the commit
    processing.process(evidence_file.pk)
    monkeypatch.undo()
    assert UploadSegment.objects.filter(upload=evidence_file.upload).count() == 2
    assert processing.process(evidence_file.pk) == "already processed"
    assert not UploadSegment.objects.filter(upload=evidence_file.upload).exists()


def test_missing_bytes_fail_loudly_and_keep_the_segments(case):
    evidence_file = make_uploaded_file(case, make_video(), segments=3)
    UploadSegment.objects.filter(upload=evidence_file.upload).order_by("offset")[1].delete()
    with pytest.raises(processing.ProcessingError, match="missing"):
        processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.PROCESSING
    assert UploadSegment.objects.filter(upload=evidence_file.upload).count() == 2


def test_a_size_that_is_not_the_upload_length_fails(case):
    evidence_file = make_uploaded_file(case, make_video(), segments=1)
    upload = evidence_file.upload
    upload.length += 10
    upload.save()
    with pytest.raises(processing.ProcessingError):
        processing.process(evidence_file.pk)
    assert EvidenceFile.objects.get(pk=evidence_file.pk).status == FileStatus.PROCESSING


def test_a_file_that_is_not_media_stays_evidence(case):
    content = b"PK\x03\x04" + os.urandom(4000)  # a ZIP export, say
    evidence_file = make_uploaded_file(
        case, content, name="export.zip", kind="archive", content_type="application/zip"
    )
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert not evidence_file.is_readable_media
    assert evidence_file.poster_name == ""
    assert evidence_file.sha256 == hashlib.sha256(content).hexdigest()
    assert "error" in evidence_file.media_facts
    assert kinds(evidence_file) == [CustodyKind.RECEIVED, CustodyKind.HASH_COMPUTED]


def test_a_truncated_video_stays_evidence(case):
    video = make_video(seconds=3)
    truncated = video[: len(video) // 2]
    evidence_file = make_uploaded_file(case, truncated)
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert not evidence_file.is_readable_media
    assert evidence_file.sha256 == hashlib.sha256(truncated).hexdigest()


def test_a_corrupted_video_does_not_stop_the_processing(case):
    video = bytearray(make_video(seconds=3))
    middle = len(video) // 2
    video[middle : middle + 400] = os.urandom(400)
    evidence_file = make_uploaded_file(case, bytes(video))
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert evidence_file.sha256 == hashlib.sha256(bytes(video)).hexdigest()


def test_a_file_that_crashes_the_media_reader_is_still_received(case, monkeypatch, caplog):
    video = make_video()
    evidence_file = make_uploaded_file(case, video)
    # The reader dies as a decoder crashing on a hostile file would (SIGABRT).
    monkeypatch.setattr(media_reader, "COMMAND", (sys.executable, "-c", "import os; os.abort()"))
    assert processing.process(evidence_file.pk) == "processed"
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert evidence_file.sha256 == hashlib.sha256(video).hexdigest()
    assert not evidence_file.is_readable_media and evidence_file.poster_name == ""
    assert evidence_file.media_facts["error"].startswith("the media reader was stopped by signal 6")
    assert kinds(evidence_file) == [CustodyKind.RECEIVED, CustodyKind.HASH_COMPUTED]
    assert "Media not read" in caplog.text


def test_huge_declared_dimensions_are_refused_quickly(case):
    # A raw video stream declaring 10000 x 9000 pixels a frame (135 MB each), with no frame.
    hostile = b"YUV4MPEG2 W10000 H9000 F10:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\x80" * 50_000
    evidence_file = make_uploaded_file(
        case, hostile, name="dvr.264", kind="dvr", content_type="application/octet-stream"
    )
    started = time.monotonic()
    processing.process(evidence_file.pk)
    assert time.monotonic() - started < 10
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert not evidence_file.is_readable_media
    assert evidence_file.poster_name == ""
    assert "10000x9000" in evidence_file.media_facts["refused"]


@pytest.fixture
def s3_storage(settings):
    """The evidence storage in an S3-compatible bucket: moto's server on loopback."""
    import socket

    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials).create_bucket(
        Bucket="evidence-test"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "evidence-test",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield evidence_storage()
    server.stop()


def test_processing_on_an_s3_compatible_storage(case, s3_storage, monkeypatch):
    monkeypatch.setattr(processing, "CHUNK", 4096)
    video = make_video(seconds=2)
    evidence_file = make_uploaded_file(case, video, segments=4)
    assert type(evidence_storage()).__name__ == "S3Storage"
    processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY
    assert stored_bytes(evidence_file.stored_name) == video
    assert evidence_file.sha256 == hashlib.sha256(video).hexdigest()
    assert evidence_file.is_readable_media and evidence_file.poster_name
    assert not UploadSegment.objects.filter(upload=evidence_file.upload).exists()


def test_the_reader_fills_each_read_across_segments(case):
    content = os.urandom(10_000)
    evidence_file = make_uploaded_file(case, content, segments=7)
    names = [s.name for s in UploadSegment.objects.filter(upload=evidence_file.upload)]
    reader = processing.HashingReader(evidence_storage(), names)
    assert len(reader.read(4000)) == 4000  # more than one segment: not a short read
    assert reader.read(10_000) == content[4000:]
    assert reader.read(10) == b""
    assert reader.digest.hexdigest() == hashlib.sha256(content).hexdigest()
    reader.close()
