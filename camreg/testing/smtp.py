"""A real SMTP server on loopback (aiosmtpd) that counts what arrives: each message by its
Message-ID, the sessions (connections) it came over, and can answer like a real server having
a bad day (4xx the first attempts, 5xx for some addresses). Imports no app."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CountingHandler:
    """Accepts messages and counts them by Message-ID.

    `fail_first`: the first N attempts of each message get `fail_reply` (a 4xx), at DATA or,
    with `fail_at="RCPT"`, at RCPT. `refuse`: addresses answered `refuse_reply` (a 5xx) at
    RCPT. `delay`: seconds each accepted message takes (to catch a worker mid-run).
    """

    fail_first: int = 0
    fail_reply: str = "451 4.3.0 Temporary failure, try again later"
    fail_at: str = "DATA"
    refuse: set[str] = field(default_factory=set)
    refuse_reply: str = "550 5.1.1 <{address}>: Recipient address rejected: no such user"
    delay: float = 0.0
    keep_messages: bool = True
    attempts: Counter = field(default_factory=Counter)
    delivered: Counter = field(default_factory=Counter)
    messages: dict = field(default_factory=dict)
    sessions: set = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse_reply.format(address=address)
        if self.fail_at == "RCPT" and self.fail_first:
            # Count the attempt by recipient: the Message-ID is not known before DATA.
            with self._lock:
                self.attempts[f"rcpt:{address}"] += 1
                if self.attempts[f"rcpt:{address}"] <= self.fail_first:
                    return self.fail_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message_id = _message_id(envelope.original_content or envelope.content)
        with self._lock:
            self.sessions.add(id(session))
            self.attempts[message_id] += 1
            failing = self.fail_at == "DATA" and self.attempts[message_id] <= self.fail_first
        if failing:
            return self.fail_reply
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.delivered[message_id] += 1
            if self.keep_messages:
                self.messages.setdefault(message_id, envelope.original_content or envelope.content)
        return "250 2.0.0 Message accepted for delivery"

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.delivered.values() if count > 1)


_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


def _message_id(content: bytes) -> str:
    """The Message-ID header (only the head is looked at; a folded header is unfolded)."""
    head = content.split(b"\r\n\r\n", 1)[0]
    match = _MESSAGE_ID.search(head)
    if match:
        return match.group(1).decode("ascii", "replace")
    return str(message_from_bytes(head, policy=default_policy)["Message-ID"] or "")


class SMTPServer:
    """`with SMTPServer(handler) as server:` a server on 127.0.0.1:`server.port`."""

    def __init__(self, handler: CountingHandler | None = None, port: int | None = None):
        self.handler = handler or CountingHandler()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=port or free_port(), ready_timeout=10
        )

    @property
    def port(self) -> int:
        return self.controller.port

    def settings(self) -> dict:
        """Django email settings that send to this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 10,
        }

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
