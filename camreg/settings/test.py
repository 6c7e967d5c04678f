"""Test settings: the suite runs on SQLite, or on PostgreSQL when DATABASE_URL says so."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-" + "x" * 50
DEMO_MODE = False
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="sqlite:///:memory:"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}
# Evidence goes to a folder of this test process's own, removed when it ends.
EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="camreg-evidence-test-"))
atexit.register(shutil.rmtree, EVIDENCE_ROOT, ignore_errors=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT},
    },
}
# No `collectstatic` before the tests: static files (the apps' and those STATICFILES_DIRS
# takes from node_modules) are found where they are, without a manifest; the live server of
# the browser tests serves them through the same finders.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
MAP_TILE_URL = ""  # tests never reach the network
AUDIT_HMAC_KEY = "test-only-audit-key-" + "k" * 40
MFA_ENCRYPTION_KEY = "dGVzdC1vbmx5LW1mYS1lbmNyeXB0aW9uLWtleS14eHg="
# Cheap recovery-code hashes, as PASSWORD_HASHERS above: tests make many staff members.
MFA_RECOVERY_CODE_WORK = 2**4
# Checkpoints only where a test asks for them (in its own temporary folder).
AUDIT_CHECKPOINT_FILE = ""
AUDIT_CHECKPOINT_SYSLOG = ""
