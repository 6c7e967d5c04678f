"""The emails a test sent (Django's locmem outbox) and the links in them. Imports no app."""

from __future__ import annotations

import re

from django.core import mail


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def link_path(message, path_prefix: str) -> str:
    """The path of the first link in an email's text body that starts with `path_prefix`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", message.body)
    assert match, f"no {path_prefix} link in the email {message.subject!r}:\n{message.body}"
    return match.group(1)


def link_in_last_email(path_prefix: str) -> str:
    """The path of the first link starting with `path_prefix` in the most recent email."""
    assert mail.outbox, "no email was sent"
    return link_path(mail.outbox[-1], path_prefix)


def link_from_last_email(pattern: str = r"https?://\S+") -> str:
    """The first link (or other `pattern` match) in the most recent email's text body."""
    assert mail.outbox, "no email was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)
