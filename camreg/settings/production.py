"""Production: secure defaults on; nothing demo.

Required: SECRET_KEY, AUDIT_HMAC_KEY, MFA_ENCRYPTION_KEY, ALLOWED_HOSTS, SITE_URL. See
docs/configuration.md.
"""

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    AUDIT_HMAC_KEY,
    DEVELOPMENT_AUDIT_HMAC_KEY,
    DEVELOPMENT_MFA_ENCRYPTION_KEY,
    MFA_ENCRYPTION_KEY,
    MFA_ENCRYPTION_RETIRED_KEYS,
    SECRET_KEY,
    TRUSTED_PROXY_COUNT,
    env,
)

DEBUG = False
DEMO_MODE = False
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters.")
# The audit log's key (decision 0017): its own secret, kept out of the database and backed up
# apart from it.
if len(AUDIT_HMAC_KEY) < 32:
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEY must be set to at least 32 random characters "
        "(docs/operations.md, 'The audit key')."
    )
if AUDIT_HMAC_KEY in (SECRET_KEY, DEVELOPMENT_AUDIT_HMAC_KEY):
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEY must be a secret of its own (not SECRET_KEY, not the development key)."
    )


def _is_fernet_key(key: str) -> bool:
    try:
        return len(key) == 44 and len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


# The key second-factor secrets are encrypted with (decision 0023): its own secret, kept out
# of the database and backed up apart from it.
if not _is_fernet_key(MFA_ENCRYPTION_KEY) or MFA_ENCRYPTION_KEY == DEVELOPMENT_MFA_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "MFA_ENCRYPTION_KEY must be set to a Fernet key of its own (32 random bytes in "
        "URL-safe base64, 44 characters; docs/operations.md, 'The second-factor key')."
    )
if not all(_is_fernet_key(key) for key in MFA_ENCRYPTION_RETIRED_KEYS):
    raise ImproperlyConfigured("Every key in MFA_ENCRYPTION_RETIRED_KEYS must be a Fernet key.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# X-Forwarded-Proto says the request came over HTTPS only when a proxy we trust set it
# (TRUSTED_PROXY_COUNT > 0; that proxy must replace any value the client sent). Without a
# proxy, any client could send the header and pass for HTTPS.
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
