"""gunicorn settings for the web process: the Procfile, `make run` and the systemd unit.

    gunicorn -c deploy/gunicorn.conf.py

Why these values: docs/decisions/0015-processes-and-slow-clients.md. In short, gunicorn
sits behind a buffering reverse proxy (deploy/nginx.conf) that reads each request whole
before passing it on, so gunicorn only ever talks to a fast client. Without the proxy, the
threaded worker keeps answering while a few clients trickle their requests in: a slow
client holds one thread, not a whole worker process, and an idle connection none.

Every value can be changed from the environment (docs/configuration.md, "Web server"):
BIND, PORT, WEB_CONCURRENCY, WEB_THREADS, WEB_TIMEOUT, WEB_KEEPALIVE, WEB_MAX_REQUESTS,
FORWARDED_ALLOW_IPS.
"""

import importlib.util
import os
import sys
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _bind(host: str, port: int) -> str:
    if host.startswith("unix:"):
        return host  # a Unix socket for the proxy: unix:/run/camreg/web.sock
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6
    return f"{host}:{port}"


# Loopback only by default: the reverse proxy on the same machine is the only client.
bind = [_bind(os.environ.get("BIND", "").strip() or "127.0.0.1", _int("PORT", 8000))]
wsgi_app = "camreg.wsgi:application"

# The development settings (DEBUG, a known secret key) answer on loopback only, unless
# ALLOW_PUBLIC_BIND says otherwise (deploy/dev_bind.py; `make run` checks it first too).
if os.environ.get("DJANGO_SETTINGS_MODULE") == "camreg.settings.development":
    _spec = importlib.util.spec_from_file_location(
        "camreg_dev_bind", Path(__file__).with_name("dev_bind.py")
    )
    _dev_bind = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_dev_bind)
    _allowed, _message = _dev_bind.check(os.environ)
    if _message:
        print(_message, file=sys.stderr)
    if not _allowed:
        sys.exit(_dev_bind.REFUSED)

# Threads, not one process per request: a client that sends its request slowly holds one
# thread of one worker while the others go on answering. Threads wait for the database or
# the client, so 2 workers x 8 threads suit 2 cores; each thread keeps its own database
# connection (PostgreSQL: workers x threads connections per web server).
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("WEB_THREADS", 8)
# Open connections per worker, idle or trickling (the rest wait in the listen backlog).
worker_connections = 1000

# A worker whose main loop stops answering for this long is killed and replaced. With
# threads it is not a request timeout: the reverse proxy's proxy_read_timeout is.
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 25  # below the systemd unit's TimeoutStopSec (30 s)
# Idle keep-alive connections wait in the worker's event loop, not in a thread.
keepalive = _int("WEB_KEEPALIVE", 5)

# Replace each worker now and then (with jitter, so not all at once): bounds slow leaks.
max_requests = _int("WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# Request-size limits of the request line and headers (gunicorn's defaults, stated); the
# body limit is the reverse proxy's client_max_body_size and the app's MAX_REQUEST_BODY.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# X-Forwarded-Proto is believed from these addresses only (the proxy on this machine).
# Django reads it through SECURE_PROXY_SSL_HEADER and X-Forwarded-For through
# TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn 25+ opens a control socket in $HOME or $XDG_RUNTIME_DIR by default; nothing
# here uses it, and a read-only home (systemd's ProtectHome) would only log errors.
control_socket_disable = True

proc_name = "camreg-web"
accesslog = "-"
errorlog = "-"
