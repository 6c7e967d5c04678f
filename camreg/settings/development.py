"""Development: `make run`. Demo data, a readable outbox, no HTTPS."""

from .base import *  # noqa: F403
from .base import DEVELOPMENT_AUDIT_HMAC_KEY, DEVELOPMENT_MFA_ENCRYPTION_KEY, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-secret-" + "x" * 32)
DEMO_MODE = env.bool("DEMO_MODE", default=True)
# Links in emails point at the server `make run` starts: SITE_URL follows its port
# (`make run PORT=8791` sets DEV_PORT=8791 for the web server and the worker alike) unless
# SITE_URL itself is set.
DEV_PORT = env.int("DEV_PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{DEV_PORT}").rstrip("/")
# A fixed key so `make run` works at once; production refuses it (settings/production.py).
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default=DEVELOPMENT_AUDIT_HMAC_KEY)
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default=DEVELOPMENT_MFA_ENCRYPTION_KEY)
# Email is readable without a mail server: at /dev/mailbox/ and in var/mail/.
EMAIL_BACKEND = env.str(
    "DEV_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# Static files as in production (decision 0020): collected by `make static`, compressed,
# hashed and served immutable by WhiteNoise from STATIC_ROOT, not from the finders. After
# changing a static file, run `make static` again.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
