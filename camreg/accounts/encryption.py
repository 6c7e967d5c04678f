"""Second-factor secrets at rest: authenticator keys encrypted, recovery codes hashed.

- An authenticator app's key (TOTP) must be read back to check a code, so it is encrypted:
  Fernet (AES-128-CBC with HMAC-SHA256) under `MFA_ENCRYPTION_KEY`, a key from configuration
  that never lives in the database. After a rotation the earlier keys go into
  `MFA_ENCRYPTION_RETIRED_KEYS`: they still decrypt what they encrypted (MultiFernet), and
  `manage.py rotate_mfa_key` re-encrypts every key under the current one.
- A recovery code only has to be recognised, so only a salted scrypt hash of it is stored
  (one salt per set of codes, so a code is checked with one hash; scrypt's cost parameter is
  kept with the set, so a set made with another cost still verifies).

Decision 0023.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOTP_KEY_BYTES = 20  # as django-otp's TOTPDevice: 160 bits, what authenticator apps expect
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32

__all__ = [
    "InvalidToken",
    "decrypt",
    "encrypt",
    "hash_recovery_code",
    "is_valid_key",
    "needs_rotation",
    "new_encrypted_totp_key",
    "new_salt",
    "recovery_code_work",
    "rotate",
]


def is_valid_key(key: str) -> bool:
    """Whether `key` is a Fernet key: 32 random bytes, URL-safe base64 (44 characters)."""
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32 and len(key) == 44
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


def _keys() -> tuple[str, ...]:
    current = settings.MFA_ENCRYPTION_KEY
    if not current:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEY is not set: second-factor secrets cannot be read or stored "
            "(docs/operations.md, 'The second-factor key')."
        )
    return (current, *settings.MFA_ENCRYPTION_RETIRED_KEYS)


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def encrypt(secret: bytes) -> str:
    """`secret` encrypted under the current key (a Fernet token, ASCII)."""
    return _fernet(_keys()).encrypt(secret).decode("ascii")


def decrypt(token: str) -> bytes:
    """The secret in `token`, encrypted under the current or a retired key.

    Raises InvalidToken when no configured key opens it (a key was removed too early).
    """
    return _fernet(_keys()).decrypt(token.encode("ascii"))


def needs_rotation(token: str) -> bool:
    """Whether `token` was encrypted under another key than the current one."""
    try:
        _fernet(_keys()[:1]).decrypt(token.encode("ascii"))
    except InvalidToken:
        return True
    return False


def rotate(token: str) -> str:
    """`token` re-encrypted under the current key."""
    return _fernet(_keys()).rotate(token.encode("ascii")).decode("ascii")


def new_encrypted_totp_key() -> str:
    """A new random authenticator key, encrypted (the model field's default)."""
    return encrypt(os.urandom(TOTP_KEY_BYTES))


def new_salt() -> str:
    return secrets.token_hex(16)


def recovery_code_work() -> int:
    """scrypt's cost parameter (N) for new recovery codes."""
    return int(settings.MFA_RECOVERY_CODE_WORK)


def hash_recovery_code(code: str, *, salt: str, work: int) -> str:
    """The scrypt hash (hex) of a normalised recovery code."""
    return hashlib.scrypt(
        code.encode("utf-8"),
        salt=bytes.fromhex(salt),
        n=work,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=SCRYPT_DKLEN,
        maxmem=256 * SCRYPT_R * work + 1024 * 1024,
    ).hex()
