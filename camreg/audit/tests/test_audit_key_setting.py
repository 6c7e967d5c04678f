"""Production refuses to start without its own audit key, as it does without SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRET_KEY = "k" * 20 + "-production-test-secret-" + "q7" * 20


def _check(**env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "registry.example.org",
        "SITE_URL": "https://registry.example.org",
        **env,
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "AUDIT_HMAC_KEY"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key",
    [
        None,
        "too-short",
        SECRET_KEY,
        "development-only-audit-key-not-secret-" + "x" * 26,
    ],
    ids=["missing", "short", "same-as-secret-key", "development-key"],
)
def test_production_refuses_to_start_without_its_own_audit_key(key):
    result = _check(**({} if key is None else {"AUDIT_HMAC_KEY": key}))
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY must" in result.stderr
