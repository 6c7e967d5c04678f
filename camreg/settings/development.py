"""Development: `make run`. Demo data, a readable outbox, no HTTPS."""

from .base import *  # noqa: F403
from .base import DEVELOPMENT_AUDIT_HMAC_KEY, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-secret-" + "x" * 32)
DEMO_MODE = env.bool("DEMO_MODE", default=True)
# A fixed key so `make run` works at once; production refuses it (settings/production.py).
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default=DEVELOPMENT_AUDIT_HMAC_KEY)
# Email is readable without a mail server: at /dev/mailbox/ and in var/mail/.
EMAIL_BACKEND = env.str(
    "DEV_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
