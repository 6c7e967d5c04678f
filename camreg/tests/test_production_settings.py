"""Production settings: secure by default, nothing demo."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.production",
        "SECRET_KEY": "k" * 20 + "-production-test-secret-" + "q7" * 20,
        "AUDIT_HMAC_KEY": "production-test-audit-key-" + "a3" * 16,
        "MFA_ENCRYPTION_KEY": "cHJvZHVjdGlvbi10ZXN0LW1mYS1rZXktMDEyMzQ1Njc=",
        "ALLOWED_HOSTS": "registry.example.org",
        "SITE_URL": "https://registry.example.org",
        "CAMREG_VAR_DIR": env.pop("var_dir", str(ROOT / "var")),
        **env,
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixtures
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_demo_data(tmp_path):
    result = _manage("load_demo", var_dir=str(tmp_path))
    assert result.returncode != 0
    assert "only loaded when DEMO_MODE" in result.stderr


def test_production_needs_a_real_secret_key():
    result = _manage("check", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_needs_its_own_second_factor_key():
    from camreg.settings.base import DEVELOPMENT_MFA_ENCRYPTION_KEY

    for key in ("", "too-short", DEVELOPMENT_MFA_ENCRYPTION_KEY):
        result = _manage("check", MFA_ENCRYPTION_KEY=key)
        assert result.returncode != 0
        assert "MFA_ENCRYPTION_KEY" in result.stderr
    result = _manage("check", MFA_ENCRYPTION_RETIRED_KEYS="not-a-key")
    assert result.returncode != 0 and "MFA_ENCRYPTION_RETIRED_KEYS" in result.stderr


IS_SECURE = (
    "from django.test import RequestFactory; "
    "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())"
)


def _is_secure_with_forwarded_proto(proxies: str) -> str:
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        IS_SECURE,
        TRUSTED_PROXY_COUNT=proxies,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_forwarded_proto_is_ignored_without_a_trusted_proxy():
    """Without a proxy, any client could send X-Forwarded-Proto: https."""
    assert _is_secure_with_forwarded_proto("0") == "False"


def test_forwarded_proto_is_honoured_behind_a_trusted_proxy():
    assert _is_secure_with_forwarded_proto("1") == "True"


_CONNECTION_PER_REQUEST = """
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

handler = WSGIHandler()
seen = []
for _ in range(3):
    response = handler(RequestFactory().get("/healthz").environ, lambda *args: None)
    b"".join(response)
    response.close()  # request_finished: Django closes connections older than CONN_MAX_AGE
    seen.append(id(connection.connection) if connection.connection is not None else None)
print(seen[0] is not None and len(set(seen)) == 1)
"""


def _keeps_connection(tmp_path, **env) -> str:
    result = _manage("shell", "-c", _CONNECTION_PER_REQUEST, var_dir=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_sqlite_connection_is_kept_between_requests(tmp_path):
    """Served as gunicorn serves it, a web thread answers request after request on one
    SQLite connection (opening one costs more than most requests), and a setting of 0
    still opens one per request."""
    assert _manage("migrate", "--noinput", var_dir=str(tmp_path)).returncode == 0
    assert _keeps_connection(tmp_path) == "True"
    assert _keeps_connection(tmp_path, DATABASE_CONN_MAX_AGE="0") == "False"
