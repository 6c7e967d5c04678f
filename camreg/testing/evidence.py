"""Evidence tests: small real videos (made with PyAV), a case, and evidence files stored in the
evidence storage as the intake would leave them.

`make_video(seconds=2, width=320, height=240, fps=10)` returns the bytes of a real MP4
(H.264) whose frames change over time, so stills at different times differ.
`make_evidence_file(case, content, name=...)` stores `content` and returns a READY evidence
file (SHA-256 and size set; media facts are the processing's job, services.processing).
`make_uploaded_file(case, content, segments=3)` leaves a file as a completed tus upload
does: PROCESSING, its bytes in `segments` storage objects (UploadSegment rows), a RECEIVED
custody event; `services.processing.process` takes it from there.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from camreg.canvass.models import Case
from camreg.evidence.models import (
    CustodyKind,
    EvidenceFile,
    FileKind,
    FileStatus,
    Submission,
    SubmissionSource,
    SubmissionStatus,
    Upload,
    UploadSegment,
)
from camreg.evidence.services import custody
from camreg.evidence.services.storage import evidence_storage

INCIDENT_START = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)


def make_video(
    seconds: float = 2,
    width: int = 320,
    height: int = 240,
    fps: int = 10,
    *,
    creation_time: str | None = None,
) -> bytes:
    """`creation_time` ("2026-11-18T18:00:00Z") goes into the container's metadata, as a
    camera that knows its clock writes it."""
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        if creation_time:
            container.metadata["creation_time"] = creation_time
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(int(seconds * fps)):
            shade = int(255 * index / max(1, seconds * fps - 1))
            image = np.full((height, width, 3), shade, dtype=np.uint8)
            image[:, : width // 4, 0] = 255 - shade
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def make_case(user, case_number: str = "KC2026-004711") -> Case:
    return Case.objects.create(
        case_number=case_number,
        incident_type="Burglary",
        address="1200 Truxtun Ave",
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=300,
        start=INCIDENT_START,
        end=INCIDENT_START + timedelta(hours=1),
        purpose_statement="Burglary; not aimed at protected activity.",
        created_by=user,
    )


def make_evidence_file(
    case: Case,
    content: bytes | None = None,
    *,
    name: str = "front-door.mp4",
    kind: str = FileKind.VIDEO,
    content_type: str = "video/mp4",
    received_by=None,
    footage_request=None,
) -> EvidenceFile:
    content = make_video() if content is None else content
    submission = Submission.objects.create(
        case=case,
        footage_request=footage_request,
        source=SubmissionSource.STAFF if received_by else SubmissionSource.OWNER,
        status=SubmissionStatus.SUBMITTED,
        received_by=received_by,
        received_by_name=(received_by.get_full_name() if received_by else ""),
        states_unaltered=True,
        submitted_at=timezone.now(),
    )
    stored = evidence_storage().save(
        f"evidence/{submission.public_id}/{name}", ContentFile(content)
    )
    return EvidenceFile.objects.create(
        submission=submission,
        case=case,
        original_name=name,
        stored_name=stored,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        kind=kind,
        content_type=content_type,
        status=FileStatus.READY,
        processed_at=timezone.now(),
    )


def make_uploaded_file(
    case: Case,
    content: bytes | None = None,
    *,
    segments: int = 3,
    name: str = "front-door.mp4",
    kind: str = FileKind.VIDEO,
    content_type: str = "video/mp4",
    footage_request=None,
    submission: Submission | None = None,
) -> EvidenceFile:
    """A completed upload waiting for the worker (see the module's docstring)."""
    content = make_video() if content is None else content
    if submission is None:
        submission = Submission.objects.create(
            case=case,
            footage_request=footage_request,
            source=SubmissionSource.OWNER,
            status=SubmissionStatus.SUBMITTED,
            states_unaltered=True,
            clock_offset_seconds=-95,
            notes="The camera clock runs a little slow.",
            submitted_at=timezone.now(),
        )
    upload = Upload.objects.create(
        submission=submission,
        original_name=name,
        length=len(content),
        offset=len(content),
        expires_at=timezone.now() + timedelta(days=3),
        completed_at=timezone.now(),
    )
    storage = evidence_storage()
    step = max(1, -(-len(content) // max(1, segments)))
    for offset in range(0, len(content), step):
        part = content[offset : offset + step]
        stored = storage.save(f"uploads/{upload.pk}/{offset:012d}", ContentFile(part))
        UploadSegment.objects.create(upload=upload, offset=offset, length=len(part), name=stored)
    evidence_file = EvidenceFile.objects.create(
        submission=submission,
        case=case,
        upload=upload,
        original_name=name,
        size=len(content),
        kind=kind,
        content_type=content_type,
        status=FileStatus.PROCESSING,
    )
    custody.record(evidence_file, CustodyKind.RECEIVED, actor_name="The owner (request link)")
    return evidence_file
