"""The tus upload with the evidence storage in an S3-compatible bucket (moto's standalone
server on loopback, started by the test): the segments go to the bucket, and the stored
bytes are the original's."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from tusclient import client as tus_client

from camreg.evidence.models import EvidenceFile, UploadSegment

from .test_tus_resume import stored_bytes
from .tus_support import send_request, statements

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "camreg-evidence-test"


@pytest.fixture
def s3_storage(settings):
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield endpoint
    server.stop()


def test_a_tus_upload_into_an_s3_bucket(s3_storage, live_server, deputy):
    from django.core.files.storage import storages

    assert type(storages["evidence"]).__name__ == "S3Storage"
    _request, token = send_request(deputy.user)
    from django.test import Client

    statements(Client(), token)
    data = b"\x00\x00\x00\x01\x67\x42\x00\x1e" + os.urandom(2 * 1024 * 1024 + 777)  # raw H.264
    uploader = tus_client.TusClient(f"{live_server.url}/footage/files/{token}/").uploader(
        file_stream=io.BytesIO(data),
        chunk_size=512 * 1024,
        metadata={"filename": "export.264"},
        upload_checksum=True,
    )
    uploader.upload()
    evidence = EvidenceFile.objects.get()
    assert evidence.kind == "dvr"
    names = list(UploadSegment.objects.values_list("name", flat=True))
    if not evidence.stored_name:
        assert len(names) == 5
    assert hashlib.sha256(stored_bytes(evidence)).hexdigest() == hashlib.sha256(data).hexdigest()
    # The bytes are in the bucket, nowhere else.
    import boto3

    listing = boto3.client(
        "s3",
        endpoint_url=s3_storage,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).list_objects_v2(Bucket=BUCKET)
    keys = [item["Key"] for item in listing.get("Contents", [])]
    assert keys and all(k.startswith(("uploads/", "evidence/")) for k in keys)
