"""An outbox message as the bytes an SMTP server receives, built directly.

The worker sends every message over SMTP in these bytes (delivery.py); other email backends
(development, tests) get the same message as a Django EmailMultiAlternatives. Building them
here instead of through Django's EmailMessage takes a few hundredths of a millisecond
instead of most of one, which is the worker's largest cost per message after the SMTP
dialogue itself (bench/outbox.py, decision 0022). The result is what Django would send:
multipart/alternative with a text and an HTML part in UTF-8 (8bit, or quoted-printable when
a line is longer than SMTP allows), the same headers, non-ASCII headers and addresses
encoded as RFC 2047 says (through Django's `sanitize_address` and the standard library).
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from email import quoprimime
from email.utils import formatdate, parseaddr

from django.conf import settings
from django.core.mail.message import sanitize_address

from camreg.outreach.models import OutboxMessage

# An address that needs no encoding: ASCII, no display name, no quoting.
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")
# RFC 5321: a line is at most 998 characters plus CRLF.
MAX_LINE_BYTES = 998
CRLF = "\r\n"
# Bytes of text per RFC 2047 encoded word: base64 makes 60 characters of 45 bytes, which with
# "=?utf-8?b?" and "?=" stays under the 75 the RFC allows.
ENCODED_WORD_BYTES = 45


@dataclass(frozen=True)
class Sender:
    """What every message of a run shares: From (header and envelope) and Reply-To."""

    from_header: str
    envelope_from: str
    reply_to: str | None

    @classmethod
    def of(cls, from_email: str, reply_to: list[str] | None) -> Sender:
        from_header = sanitize_address(from_email, "utf-8")
        return cls(
            from_header=from_header,
            envelope_from=parseaddr(from_header)[1],
            reply_to=", ".join(sanitize_address(a, "utf-8") for a in reply_to)
            if reply_to
            else None,
        )


def recipient(address: str) -> str:
    """The address for the To header and the envelope."""
    if _PLAIN_ADDRESS.match(address):
        return address
    return sanitize_address(address, "utf-8")


def message_bytes(message: OutboxMessage, sender: Sender, to: str) -> bytes:
    """The whole message: headers, then a text part and (when there is one) an HTML part."""
    headers = [
        ("Subject", _header("Subject", message.subject)),
        ("From", sender.from_header),
        ("To", to),
        ("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
        ("Message-ID", _one_line(message.message_id)),
    ]
    if sender.reply_to:
        headers.append(("Reply-To", sender.reply_to))
    headers += [
        ("Content-Language", _one_line(message.language)),
        ("Auto-Submitted", "auto-generated"),
        ("MIME-Version", "1.0"),
    ]
    text = _part("text/plain", message.body_text)
    if not message.body_html:
        head = headers + text[0]
        return _join(head, text[1])
    boundary = "===============" + secrets.token_hex(16) + "=="
    html = _part("text/html", message.body_html)
    head = headers + [("Content-Type", f'multipart/alternative; boundary="{boundary}"')]
    body = CRLF.join(
        [
            f"--{boundary}",
            _headers(text[0]),
            "",
            text[1],
            f"--{boundary}",
            _headers(html[0]),
            "",
            html[1],
            f"--{boundary}--",
            "",
        ]
    )
    return _join(head, body)


def _part(content_type: str, content: str) -> tuple[list[tuple[str, str]], str]:
    """(headers, body) of one text part, the body with CRLF line ends."""
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    encoded = content.encode("utf-8")
    if len(encoded) <= MAX_LINE_BYTES or max(map(len, encoded.split(b"\n"))) <= MAX_LINE_BYTES:
        body = content.replace("\n", CRLF)
        encoding = "7bit" if len(encoded) == len(content) else "8bit"
    else:
        body = quoprimime.body_encode(content.encode("utf-8").decode("latin-1"), eol=CRLF)
        encoding = "quoted-printable"
    headers = [
        ("Content-Type", f'{content_type}; charset="utf-8"'),
        ("MIME-Version", "1.0"),
        ("Content-Transfer-Encoding", encoding),
    ]
    return headers, body


def _header(name: str, value: str) -> str:
    """A header value; with non-ASCII characters as RFC 2047 encoded words (base64 UTF-8,
    at most 75 characters each, on folded lines), never splitting a character."""
    value = _one_line(value)
    if value.isascii() and "=?" not in value:
        return value
    words = []
    chunk = ""
    for character in value:
        if len((chunk + character).encode("utf-8")) > ENCODED_WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += character
    words.append(chunk)
    return (CRLF + " ").join(
        "=?utf-8?b?" + base64.b64encode(word.encode("utf-8")).decode("ascii") + "?="
        for word in words
    )


def _one_line(value: str) -> str:
    """Header values are one line: line breaks in stored text can never start a header."""
    return " ".join(str(value).split())


def _headers(pairs: list[tuple[str, str]]) -> str:
    return CRLF.join(f"{name}: {value}" for name, value in pairs)


def _join(headers: list[tuple[str, str]], body: str) -> bytes:
    if not body.endswith(CRLF):
        body += CRLF
    return (_headers(headers) + CRLF + CRLF + body).encode("utf-8")
