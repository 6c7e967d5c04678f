"""The audit key and the hashes of the chain: no database access here (decision 0017).

A row's hash covers its canonical content and the previous row's hash. Rows written before
the audit key existed (scheme 1) were hashed with plain SHA-256, which anyone who can write
to the table can recompute; every later row (scheme 2) is HMAC-SHA256 under a key derived
from AUDIT_HMAC_KEY, which lives in configuration, never in the database. The key id stored
on each row names the key (a fingerprint, not the key), so a rotated key can still verify the
rows it made (AUDIT_HMAC_RETIRED_KEYS).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import Scheme

GENESIS = "0" * 64
# The shortest AUDIT_HMAC_KEY accepted (production settings refuse shorter ones too).
MIN_KEY_LENGTH = 32

# One key, several uses: each derived secret is HMAC(key, label), so a chain hash can never
# pass for a checkpoint signature or the other way round.
_CHAIN_LABEL = b"camreg audit chain hmac-sha256 v2"
_CHECKPOINT_LABEL = b"camreg audit checkpoint v1"
_KEY_ID_LABEL = b"camreg audit key id"


@dataclass(frozen=True)
class AuditKey:
    """The secrets derived from one AUDIT_HMAC_KEY value."""

    key_id: str
    chain_secret: bytes
    checkpoint_secret: bytes


@lru_cache(maxsize=16)
def derive(key: str) -> AuditKey:
    raw = key.encode()

    def sub(label: bytes) -> bytes:
        return hmac.new(raw, label, hashlib.sha256).digest()

    return AuditKey(
        key_id=hmac.new(raw, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16],
        chain_secret=sub(_CHAIN_LABEL),
        checkpoint_secret=sub(_CHECKPOINT_LABEL),
    )


def current_key() -> AuditKey:
    """The key new rows and checkpoints are made with; refuses to work without one."""
    key = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"AUDIT_HMAC_KEY must be set to at least {MIN_KEY_LENGTH} random characters "
            "(docs/operations.md, 'The audit key'); the audit log cannot be written without it."
        )
    return derive(key)


def keyring() -> list[AuditKey]:
    """Every key that may verify rows, oldest first: the retired keys, then the current one.

    The chain may only move forward along this list (a row made with a retired key after a
    row made with a newer key was forged with a leaked old key).
    """
    current = current_key()
    keys: list[AuditKey] = []
    for value in getattr(settings, "AUDIT_HMAC_RETIRED_KEYS", []) or []:
        if len(value) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"Each of AUDIT_HMAC_RETIRED_KEYS must be at least {MIN_KEY_LENGTH} characters."
            )
        derived = derive(value)
        if derived != current and derived not in keys:
            keys.append(derived)
    return [*keys, current]


def content(event, *, keyed: bool) -> str:
    """The canonical text a row's hash covers.

    Scheme 1 rows keep exactly the text they were hashed with; keyed rows add the scheme and
    the key id, so neither can be swapped without breaking the hash.
    """
    fields = {
        "at": event.at.isoformat(),
        "actor_type": event.actor_type,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "ip_address": event.ip_address,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "case_number": event.case_number,
        "reason": event.reason,
        "outcome": event.outcome,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    if keyed:
        fields["scheme"] = int(Scheme.HMAC_SHA256)
        fields["key_id"] = event.key_id
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def sha256_hash(event) -> str:
    """The unkeyed hash of a scheme 1 row (anyone can compute it)."""
    return hashlib.sha256(content(event, keyed=False).encode()).hexdigest()


def hmac_hash(event, key: AuditKey) -> str:
    """The keyed hash of a scheme 2 row (only the holder of the audit key can compute it)."""
    return hmac.new(
        key.chain_secret, content(event, keyed=True).encode(), hashlib.sha256
    ).hexdigest()


def sign_checkpoint(fields: dict, key: AuditKey) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key.checkpoint_secret, text.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
