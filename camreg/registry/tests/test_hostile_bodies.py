"""Hand-built multipart bodies with odd part headers get the form page, never a server error.

A file part whose Content-Type carries an RFC 2231 parameter in an unknown charset
(`charset*=bogus''x`) is the body an outside probe found. Django's parser drops that header
and reads the rest of the body; the form then answers as for any other submission.
"""

import pytest
from django.urls import reverse

from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db

BOUNDARY = "----camregHostileBoundary7MA4YWxk"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
HOSTILE_TYPE = "image/jpeg; charset*=bogus''x"


def multipart_body(fields: dict, files: list[tuple[str, str, str, bytes]]) -> bytes:
    """A multipart/form-data body: `fields` (a list value repeats the name) and `files`
    as (name, file name, Content-Type header, data), written byte for byte."""
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{item}\r\n".encode()
            )
    for name, file_name, content_type, data in files:
        head = (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_register_with_an_unknown_charset_on_the_photo_part(client, address_points):
    data = registration_post(name="Rosa Hostile")
    body = multipart_body(data, [("s0-c0-photo", "view.jpg", HOSTILE_TYPE, b"not a photo")])
    response = client.generic("POST", reverse("registry:register"), body, CONTENT_TYPE)
    # The form page again, with every field read: the photo part reached the photo check
    # and the other fields are shown as sent.
    assert response.status_code == 400
    assert "registry/register.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "The file is not a photo we can read" in page
    assert 'value="Rosa Hostile"' in page


def test_manage_with_an_unknown_charset_on_a_file_part(client):
    body = multipart_body(
        {"email": "not an address", "website": ""},
        [("attachment", "view.jpg", HOSTILE_TYPE, b"\xff\xd8\xff\xe0")],
    )
    response = client.generic("POST", reverse("registry:manage-request"), body, CONTENT_TYPE)
    # The form page again, with the email field read and refused.
    assert response.status_code == 400
    assert "registry/manage_request.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'value="not an address"' in page
