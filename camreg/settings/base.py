"""Settings shared by every environment.

Every value that differs between installations comes from an environment variable;
docs/configuration.md lists them all with their defaults.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "camreg"

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

VAR_DIR = Path(env.str("CAMREG_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used to build links in emails
# (the worker sends email outside any request, so it cannot guess).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "camreg.web",
    "camreg.audit",
    "camreg.accounts",
    "camreg.agency",
    "camreg.geo",
    "camreg.registry",
    "camreg.confirmation",
    "camreg.outreach",
    "camreg.api",
    "camreg.canvass",
    "camreg.footage",
    "camreg.evidence",
    "camreg.console",
    "camreg.public",
    # Demo data, at the top: no other app imports it.
    "camreg.demo",
]

MIDDLEWARE = [
    "camreg.web.middleware.RequestCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files keep their own headers): no-store on everything else
    # that is not marked public (decision 0018).
    "camreg.web.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "camreg.web.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads a POSTed form): a body over
    # MAX_REQUEST_BODY is refused with 413 from its Content-Length, or while it is read.
    "camreg.web.middleware.RequestBodyLimitMiddleware",
    # Without an agency (a new installation), every page but /healthz says setup is pending.
    "camreg.agency.setup_pending.SetupPendingMiddleware",
    "camreg.agency.middleware.AgencyTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, its device read in one plain query (decision 0028).
    "camreg.accounts.middleware.StaffOTPMiddleware",
    "camreg.web.middleware.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff idle timeout and absolute session lifetime (after messages: it leaves one).
    "camreg.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "camreg.urls"
FORM_RENDERER = "camreg.web.forms.UswdsRenderer"
WSGI_APPLICATION = "camreg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "camreg.agency.context_processors.site",
                "camreg.console.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'camreg.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades. Connections are
    # kept between requests as on PostgreSQL: opening one (Django's functions, the pragmas)
    # costs more than most requests; one in autocommit holds no lock between requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {
    "default": env.cache_url("CACHE_URL", default="dbcache://camreg_cache"),
    # In each process's memory: only for content that never changes under its key (a key
    # names everything the content depends on), since other processes cannot clear it.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "console:home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing service accounts: they never sign in (decision 0019).
    "camreg.accounts.backends.StaffBackend",
]

# Staff sign-in security (CJIS-style): lockout, second factor, session limits.
AXES_FAILURE_LIMIT = env.int("STAFF_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("STAFF_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused without extending it: it ends 15 minutes after
# the failure that started it, as the lockout page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
# The same client address everywhere (audit log, rate limits), honouring TRUSTED_PROXY_COUNT:
# behind a proxy, REMOTE_ADDR alone would lock everyone out together.
AXES_CLIENT_IP_CALLABLE = "camreg.web.http.client_ip"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_SENSITIVE_PARAMETERS = ["password", "code", "csrfmiddlewaretoken"]
AXES_LOCKOUT_CALLABLE = "camreg.accounts.views.locked_out"
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Camera Registry")
# Staff sessions end after this much inactivity, and this long after signing in at the latest.
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=12)
# Staff accounts not used for this many days are disabled by the worker (0: never).
STAFF_INACTIVE_DAYS = env.int("STAFF_INACTIVE_DAYS", default=90)
# Links sent by email: invitations and password resets (single use).
STAFF_INVITATION_DAYS = env.int("STAFF_INVITATION_DAYS", default=7)
STAFF_PASSWORD_RESET_MINUTES = env.int("STAFF_PASSWORD_RESET_MINUTES", default=60)
# Second-factor secrets at rest (decision 0023): authenticator keys are encrypted with Fernet
# under MFA_ENCRYPTION_KEY, which never lives in the database; development and test settings
# have a fixed key, production refuses to start without one. Retired keys (after a rotation,
# `manage.py rotate_mfa_key`) still decrypt what they encrypted. Recovery codes are stored as
# scrypt hashes with cost MFA_RECOVERY_CODE_WORK (N; a power of two).
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
DEVELOPMENT_MFA_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1tZmEta2V5LW5vdC1zZWM="
MFA_ENCRYPTION_RETIRED_KEYS = env.list("MFA_ENCRYPTION_RETIRED_KEYS", default=[])
MFA_RECOVERY_CODE_WORK = 2**14

# Languages: every public page and every email to a registrant ships in both.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "camreg_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "UTC"  # stored in UTC; shown in the agency's time zone
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry (package-lock.json) and are
# collected from node_modules; nothing of theirs is copied into the repository.
STATICFILES_DIRS = [
    ("vendor/uswds", NODE_MODULES / "@uswds" / "uswds" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/leaflet-geoman", NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist"),
    ("vendor/tus-js-client", NODE_MODULES / "tus-js-client" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
STORAGES = {
    "default": {
        "BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
    },
    # WhiteNoise's compressed manifest storage (gzip and Brotli beside each file, content
    # hashes in the names, served immutable), with hashed URLs under DEBUG too (decision 0020).
    "staticfiles": {"BACKEND": "camreg.web.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Evidence (camreg.evidence): its own storage, a local folder by default or an S3-compatible
# bucket when EVIDENCE_STORAGE names django-storages' S3 backend (docs/configuration.md,
# "Evidence storage"). Evidence is never served from a storage URL: only through views
# that check permission and write a custody event.
EVIDENCE_ROOT = Path(env.str("EVIDENCE_ROOT", default=str(VAR_DIR / "evidence")))
EVIDENCE_STORAGE = env.str(
    "EVIDENCE_STORAGE", default="django.core.files.storage.FileSystemStorage"
)
if EVIDENCE_STORAGE.startswith("storages.backends.s3"):
    STORAGES["evidence"] = {
        "BACKEND": EVIDENCE_STORAGE,
        "OPTIONS": {
            "bucket_name": env.str("EVIDENCE_S3_BUCKET", default="camreg-evidence"),
            "endpoint_url": env.str("EVIDENCE_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("EVIDENCE_S3_REGION", default=None),
            "access_key": env.str("EVIDENCE_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("EVIDENCE_S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["evidence"] = {"BACKEND": EVIDENCE_STORAGE, "OPTIONS": {"location": EVIDENCE_ROOT}}
GIB = 1024**3
# Limits of what an owner may upload for one footage request (issue 12; Axon's Community
# Request allows 60 GB a file and 200 GB a submission).
EVIDENCE_MAX_FILE_BYTES = env.int("EVIDENCE_MAX_FILE_BYTES", default=20 * GIB)
EVIDENCE_MAX_SUBMISSION_BYTES = env.int("EVIDENCE_MAX_SUBMISSION_BYTES", default=100 * GIB)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=50)
# An unfinished upload is kept this long after its last byte arrived (tus expiration).
EVIDENCE_UPLOAD_EXPIRY_HOURS = env.int("EVIDENCE_UPLOAD_EXPIRY_HOURS", default=72)
# Share links for another law-enforcement agency expire after this many days.
EVIDENCE_SHARE_LINK_DAYS = env.int("EVIDENCE_SHARE_LINK_DAYS", default=7)
# Requests one visitor may make to the share-link pages (django-ratelimit).
EVIDENCE_SHARE_LINK_RATE = env.str("EVIDENCE_SHARE_LINK_RATE", default="120/h")
# The stored evidence is re-hashed this often (verify_evidence as a scheduled job); 0: never.
EVIDENCE_VERIFY_EVERY_DAYS = env.int("EVIDENCE_VERIFY_EVERY_DAYS", default=7)
MEDIA_URL = "/media-not-served/"  # uploaded files are served only through views
if env.str("FILE_STORAGE", default="").startswith("storages.backends.s3"):
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True

# Multipart bodies go through Django's own parser and default upload handlers (decision
# 0010): an uploaded file up to FILE_UPLOAD_MAX_MEMORY_SIZE stays in memory, a larger one
# streams to a temporary file. DATA_UPLOAD_MAX_MEMORY_SIZE bounds the body without its
# files. The field count is above Django's default (1000) because a registration may list
# up to 10 places with up to 20 cameras each: about 20 fields a camera with every kind of
# coverage ticked, and browsers send an empty photo input as a field too.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Camera photos (registry.photos, decision 0016): at most PHOTO_MAX_PER_REQUEST photos each
# time a form is saved, each up to PHOTO_MAX_BYTES and 12 megapixels (checked from the
# header); one request's photos are decoded in a child process limited to
# PHOTO_DECODE_MEMORY_MB of memory and PHOTO_DECODE_SECONDS (CPU and wall clock).
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PHOTO_MAX_PER_REQUEST = env.int("PHOTO_MAX_PER_REQUEST", default=10)
PHOTO_DECODE_SECONDS = env.int("PHOTO_DECODE_SECONDS", default=20)
PHOTO_DECODE_MEMORY_MB = env.int("PHOTO_DECODE_MEMORY_MB", default=512)
# Files in one request: the photos are the only files any form takes (an input left empty
# is sent as a field, not a file). Each file of a large body is a temporary file held open
# until the response, so this also bounds a request's open files.
DATA_UPLOAD_MAX_NUMBER_FILES = PHOTO_MAX_PER_REQUEST
# The largest request body accepted, checked from Content-Length before anything parses the
# body, and while reading a body sent without one (camreg.web.middleware): a bit above the
# largest legitimate request, a registration with its photos (at most PHOTO_MAX_PER_REQUEST,
# each up to PHOTO_MAX_BYTES) and its fields. Larger answers 413.
MAX_REQUEST_BODY = env.int(
    "MAX_REQUEST_BODY",
    default=PHOTO_MAX_PER_REQUEST * PHOTO_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024,
)
# Paths (prefixes) that need a larger body than MAX_REQUEST_BODY, with their own limit: the
# tus endpoints (the owner's and the staff intake's), whose PATCH bodies are streamed to
# storage, never read into memory, and bounded by the file limit (decision 0025).
MAX_REQUEST_BODY_BY_PATH: dict[str, int] = {
    "/footage/files/": EVIDENCE_MAX_FILE_BYTES,
    "/console/evidence/tus/": EVIDENCE_MAX_FILE_BYTES,
}

# Email: every message goes through the outbox and is delivered by the worker.
email_config = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = email_config["EMAIL_BACKEND"]
EMAIL_HOST = email_config.get("EMAIL_HOST", "localhost")
EMAIL_PORT = email_config.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = email_config.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = email_config.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = email_config.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = email_config.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Camera Registry <camera-registry@localhost>"
)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A worker's claim on a message it is sending lapses after this many seconds without renewal
# (a worker that died on another machine); longer than one message can take to send.
OUTBOX_SENDING_TIMEOUT = env.int("OUTBOX_SENDING_TIMEOUT", default=900)

# Annual confirmation (camreg.confirmation, decision 0022): a registration is due this many
# months after it was last confirmed; reminders so many days after the annual email; lapsed
# when not confirmed within CONFIRMATION_LAPSE_DAYS of it; purged (personal data erased)
# LAPSED_PURGE_MONTHS after lapsing, with a notice LAPSED_PURGE_NOTICE_DAYS before.
CONFIRMATION_INTERVAL_MONTHS = env.int("CONFIRMATION_INTERVAL_MONTHS", default=12)
CONFIRMATION_REMINDER_DAYS = [
    int(days) for days in env.list("CONFIRMATION_REMINDER_DAYS", default=["14", "28"])
]
CONFIRMATION_LAPSE_DAYS = env.int("CONFIRMATION_LAPSE_DAYS", default=45)
LAPSED_PURGE_MONTHS = env.int("LAPSED_PURGE_MONTHS", default=12)
LAPSED_PURGE_NOTICE_DAYS = env.int("LAPSED_PURGE_NOTICE_DAYS", default=30)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A task still running this many seconds after a worker took it is taken for one whose
# worker died, and put back in the queue (camreg.scheduling.recover_stale_tasks); 0: never.
# Longer than any task runs. After TASK_MAX_ATTEMPTS workers died on it, it is marked failed.
TASK_STALE_AFTER = env.int("TASK_STALE_AFTER", default=3600)
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=3)
# Finished task rows (successful or failed) are deleted this many days after they finished.
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)

# The audit log (decision 0017, docs/operations.md "The audit log"). Its chain is HMAC-SHA256
# under AUDIT_HMAC_KEY, which never lives in the database; development and test settings have
# a fixed key, production refuses to start without one. Retired keys (oldest first) still
# verify the events they made. Signed checkpoints go to an append-only file and/or syslog
# ("/dev/log", "udp://host:514", "tcp://host:601") every AUDIT_CHECKPOINT_MINUTES (0: never).
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")
DEVELOPMENT_AUDIT_HMAC_KEY = "development-only-audit-key-not-secret-" + "x" * 26
AUDIT_HMAC_RETIRED_KEYS = env.list("AUDIT_HMAC_RETIRED_KEYS", default=[])
AUDIT_CHECKPOINT_FILE = env.str(
    "AUDIT_CHECKPOINT_FILE", default=str(VAR_DIR / "audit-checkpoints.jsonl")
)
AUDIT_CHECKPOINT_SYSLOG = env.str("AUDIT_CHECKPOINT_SYSLOG", default="")
AUDIT_CHECKPOINT_MINUTES = env.int("AUDIT_CHECKPOINT_MINUTES", default=5)

# Registration and self-service.
VERIFICATION_LINK_HOURS = env.int("VERIFICATION_LINK_HOURS", default=24)
UNVERIFIED_PURGE_DAYS = env.int("UNVERIFIED_PURGE_DAYS", default=7)
REJECTED_ERASE_DAYS = env.int("REJECTED_ERASE_DAYS", default=30)
MAGIC_LINK_MINUTES = env.int("MAGIC_LINK_MINUTES", default=30)
PORTAL_SESSION_MINUTES = env.int("PORTAL_SESSION_MINUTES", default=60)
# A photo chosen on a form that is not saved yet ("add another camera" reloads the page) is
# kept this long at most, then erased by the hourly purge.
PENDING_PHOTO_HOURS = env.int("PENDING_PHOTO_HOURS", default=3)
# Rate limits as "count/period" with period s, m, h or d; "" switches one off.
# Registrations count when accepted (stored, or answered with a link to the one there is),
# per client IP and per email address; attempts with mistakes in them do not count.
RATE_LIMIT_REGISTER_PER_IP = env.str("RATE_LIMIT_REGISTER_PER_IP", default="20/h")
RATE_LIMIT_REGISTER_PER_EMAIL = env.str("RATE_LIMIT_REGISTER_PER_EMAIL", default="5/h")
# Address look-ups of the form's map (the pin follows the typed address).
RATE_LIMIT_LOCATE_PER_IP = env.str("RATE_LIMIT_LOCATE_PER_IP", default="300/h")
RATE_LIMIT_MAGIC_LINK_PER_IP = env.str("RATE_LIMIT_MAGIC_LINK_PER_IP", default="20/h")
RATE_LIMIT_MAGIC_LINK_PER_EMAIL = env.str("RATE_LIMIT_MAGIC_LINK_PER_EMAIL", default="5/h")
# Saves of the portal's edit form (structure changes such as "add a camera" do not count).
RATE_LIMIT_PORTAL_SAVE_PER_REGISTRANT = env.str(
    "RATE_LIMIT_PORTAL_SAVE_PER_REGISTRANT", default="20/h"
)
RATE_LIMIT_PORTAL_SAVE_PER_IP = env.str("RATE_LIMIT_PORTAL_SAVE_PER_IP", default="40/h")
# Proxies in front of the app: how many to trust in X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Maps: the tile server is configuration; without tiles the map still works.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default="&copy; OpenStreetMap contributors",
)

# Geocoders tried in order; the first that answers wins.
GEOCODERS = env.list("GEOCODERS", default=["camreg.geo.geocoders.AddressPointsGeocoder"])

# Demo mode: demo data, demo staff account and a banner on every page.
DEMO_MODE = False

# Error pages in the site's layout (camreg.web.errors; camreg/urls.py names the handlers).
CSRF_FAILURE_VIEW = "camreg.web.errors.csrf_failure"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "camreg_session"
# Django's database sessions, each loaded in one plain query (decision 0028).
SESSION_ENGINE = "camreg.web.sessions"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

_tile_origin = "https://*.openstreetmap.org"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
