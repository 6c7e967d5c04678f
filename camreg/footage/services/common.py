"""What the footage services share: their errors and the length of a note."""

from __future__ import annotations

NOTE_MAX_LENGTH = 2000


class FootageError(ValueError):
    """A request that cannot be made or changed: a stable `code` and a message for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class LinkInvalid(Exception):
    """A registrant link that is unknown, expired, or whose request is already answered."""


class LinkExpired(LinkInvalid):
    """A known registrant link past its expiry: `language` is its request's."""

    def __init__(self, language: str = ""):
        super().__init__(language)
        self.language = language
