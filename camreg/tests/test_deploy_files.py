"""The production process definitions (deploy/) are valid and agree with each other.

- systemd units: web, worker and scheduler, each restarted alone (Restart=always), with the
  hardening options and the environment file, running the Procfile's commands; checked by
  `systemd-analyze verify` where it exists.
- nginx: a configuration nginx accepts (where nginx is installed), buffering requests, with
  the application's body limit.
- `make run`: refuses a public address unless told.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
INSTALL_DIR = "/srv/camreg"
# Every interface: what the development server must refuse.
PUBLIC = "0.0.0.0"  # noqa: S104
SERVICES = ["camreg-web.service", "camreg-worker.service", "camreg-scheduler.service"]

HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ReadWritePaths": f"{INSTALL_DIR}/var",
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
}


def unit_sections(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file as {section: {key: [values]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def procfile() -> dict[str, list[str]]:
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            commands[name.strip()] = shlex.split(command)
    return commands


# systemd -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_each_process_is_restarted_alone_with_hardening(name):
    service = unit_sections(SYSTEMD / name)
    unit, body, install = service["Unit"], service["Service"], service["Install"]

    assert body["Restart"] == ["always"]
    assert int(body["RestartSec"][0]) > 0
    # Stopping or restarting camreg.target reaches it; its own death reaches nothing else.
    assert unit["PartOf"] == ["camreg.target"]
    assert install["WantedBy"] == ["camreg.target"]
    for key in ("BindsTo", "Requires", "Requisite"):
        assert key not in unit, f"{name}: {key} would stop it along with another unit"
    assert body["EnvironmentFile"] == ["/etc/camreg/camreg.env"]
    assert body["User"] == ["camreg"]
    assert body["WorkingDirectory"] == [INSTALL_DIR]
    for key, value in HARDENING.items():
        assert body.get(key) == [value], f"{name}: {key}={value}"


def test_the_units_run_the_procfile_commands():
    commands = procfile()
    for process, name in zip(("web", "worker", "scheduler"), SERVICES, strict=True):
        (exec_start,) = unit_sections(SYSTEMD / name)["Service"]["ExecStart"]
        program, *arguments = shlex.split(exec_start)
        expected_program, *expected_arguments = commands[process]
        assert program == f"{INSTALL_DIR}/.venv/bin/{expected_program}", name
        assert arguments == expected_arguments, f"{name}: {exec_start!r} vs the Procfile"


def test_the_web_unit_waits_for_gunicorn_and_stops_it_gracefully():
    body = unit_sections(SYSTEMD / "camreg-web.service")["Service"]
    assert body["Type"] == ["notify"]  # gunicorn tells systemd when it listens
    assert body["KillMode"] == ["mixed"]  # SIGTERM to the arbiter, which stops its workers
    assert body["ExecReload"] == ["/bin/kill -s HUP $MAINPID"]


def test_the_target_groups_the_services():
    target = unit_sections(SYSTEMD / "camreg.target")
    assert target["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not here")
def test_systemd_accepts_the_units(tmp_path):
    # Installed in this checkout instead of /srv/camreg, so that the programs exist.
    for unit in SYSTEMD.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALL_DIR, str(ROOT)))
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", *(u.name for u in SYSTEMD.iterdir())],  # noqa: S607
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify only warns about unknown keys and bad values: any message is a failure.
    messages = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 0 and not messages, "\n".join(messages)


# nginx -------------------------------------------------------------------------------------

NGINX_SIZE = re.compile(r"^(\d+)([kKmMgG]?)$")


def nginx_directives(name: str) -> list[str]:
    text = (DEPLOY / "nginx.conf").read_text()
    return re.findall(rf"^\s*{name}\s+([^;]*);", text, flags=re.MULTILINE)


def nginx_bytes(size: str) -> int:
    number, unit = NGINX_SIZE.match(size).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_nginx_takes_bodies_up_to_max_request_body():
    from camreg.settings import base

    # The server's limit, then the tus upload endpoints' (one whole file, decision 0025).
    size, tus_size = nginx_directives("client_max_body_size")
    assert nginx_bytes(size) == base.MAX_REQUEST_BODY
    assert nginx_bytes(tus_size) == base.EVIDENCE_MAX_FILE_BYTES


def test_nginx_buffers_requests_and_sets_the_forwarded_headers():
    # Off only for the tus upload endpoints, which stream each PATCH to storage.
    assert nginx_directives("proxy_request_buffering") == ["on", "off"]
    assert nginx_directives("proxy_buffering") == ["on"]
    for timeout in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        (value,) = nginx_directives(timeout)
        assert 0 < int(value.rstrip("s")) <= 30, timeout
    headers = dict(h.split(None, 1) for h in nginx_directives("proxy_set_header"))
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Host"] == "$host"
    assert nginx_directives("alias") == [f"{INSTALL_DIR}/staticfiles/"]


def render_nginx(tmp_path: Path, *, http_port: int, https_port: int, web_port: int) -> Path:
    """deploy/nginx.conf under a main configuration of its own, on the given loopback ports,
    with a self-signed certificate: what `nginx -t` and the tests below run."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",  # noqa: S607
         "-nodes", "-days", "1", "-subj", "/CN=registry.example.org",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    site = (DEPLOY / "nginx.conf").read_text()
    site = re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.MULTILINE)
    site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", site)
    site = re.sub(r"listen 443\b", f"listen 127.0.0.1:{https_port}", site)
    site = site.replace("/etc/letsencrypt/live/registry.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/registry.example.org/privkey.pem", str(key))
    site = site.replace("server 127.0.0.1:8000", f"server 127.0.0.1:{web_port}")
    site = site.replace(f"{INSTALL_DIR}/staticfiles/", f"{tmp_path / 'static'}/")
    site = site.replace("/var/www/letsencrypt", str(tmp_path / "acme"))
    (tmp_path / "static").mkdir(exist_ok=True)
    (tmp_path / "camreg.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = f"""
        {"user root root;" if os.geteuid() == 0 else ""}
        worker_processes 1;
        daemon off;
        pid {tmp_path / "nginx.pid"};
        error_log {tmp_path / "error.log"} warn;
        events {{ worker_connections 1024; }}
        http {{
            include /etc/nginx/mime.types;
            access_log {tmp_path / "access.log"};
            client_body_temp_path {temp["body"]};
            proxy_temp_path {temp["proxy"]};
            fastcgi_temp_path {temp["fastcgi"]};
            uwsgi_temp_path {temp["uwsgi"]};
            scgi_temp_path {temp["scgi"]};
            include {tmp_path / "camreg.conf"};
        }}
    """
    (tmp_path / "nginx-main.conf").write_text(main)
    return tmp_path / "nginx-main.conf"


needs_nginx = pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or not shutil.which("openssl"),
    reason="nginx (Debian's package) and openssl are not installed here",
)


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    main = render_nginx(tmp_path, http_port=18080, https_port=18443, web_port=18000)
    result = subprocess.run(  # noqa: S603
        [nginx_binary(), "-t", "-q", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


# make run ----------------------------------------------------------------------------------


def dev_bind(**environ: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"BIND", "ALLOW_PUBLIC_BIND"}}
    return subprocess.run(  # noqa: S603
        [sys.executable, str(DEPLOY / "dev_bind.py")],
        env={**environment, **environ},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("bind", [PUBLIC, "::", "192.0.2.10", "registry.example.org"])
def test_the_development_server_refuses_a_public_address(bind):
    result = dev_bind(BIND=bind)
    assert result.returncode != 0
    assert f"Refusing to start the development server on BIND={bind}" in result.stderr
    assert "ALLOW_PUBLIC_BIND=1" in result.stderr


@pytest.mark.parametrize("bind", ["", "127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_the_development_server_binds_loopback_silently(bind):
    result = dev_bind(BIND=bind)
    assert result.returncode == 0
    assert result.stderr == ""


def test_a_public_address_when_told_so_starts_with_a_warning():
    result = dev_bind(BIND=PUBLIC, ALLOW_PUBLIC_BIND="1")
    assert result.returncode == 0
    assert result.stderr.startswith("WARNING: the development server will answer on 0.0.0.0")


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed here")
def test_make_run_stops_before_anything_on_a_public_address():
    environment = {k: v for k, v in os.environ.items() if k != "ALLOW_PUBLIC_BIND"}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],  # noqa: S607
        cwd=ROOT,
        env={**environment, "BIND": PUBLIC},
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The check comes first, before the set-up and the migrations.
    plan = result.stdout.splitlines()
    assert "deploy/dev_bind.py" in plan[0], plan
    checked = subprocess.run(
        ["make", "--no-print-directory", "-s", "dev-bind-check"],  # noqa: S607
        cwd=ROOT,
        env={**environment, "BIND": PUBLIC},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode != 0
    assert "Refusing to start the development server on BIND=0.0.0.0" in checked.stderr


def test_gunicorn_with_the_development_settings_refuses_a_public_address():
    environment = {k: v for k, v in os.environ.items() if k != "ALLOW_PUBLIC_BIND"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--print-config"],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "camreg.settings.development",
            "BIND": PUBLIC,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Refusing to start the development server on BIND=0.0.0.0" in result.stderr
