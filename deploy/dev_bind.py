"""The development server answers on loopback only, unless told otherwise.

`make run` starts the site with DEBUG on, demo accounts and a secret key everyone can read
in the source: on a public address anyone could read the debug pages, sign in with the demo
account and forge sessions. So `make run` (and gunicorn with the development settings)
refuses any BIND but a loopback address. To show the demo on another machine all the same:

    BIND=0.0.0.0 ALLOW_PUBLIC_BIND=1 make run

which starts with a warning. Run as a script (by `make run`): exit status 0 when allowed,
2 when refused. Standard library only: it runs before the virtualenv exists.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping

DEFAULT_BIND = "127.0.0.1"
REFUSED = 2


def is_loopback(bind: str) -> bool:
    """Whether `bind` (an address or host name, no port; or unix:PATH) is this machine only."""
    host = bind.strip()
    if host.startswith("unix:"):
        return True  # a Unix socket: only local processes reach it
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name, or an address with a port: could be anything


def _allowed(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def check(environ: Mapping[str, str]) -> tuple[bool, str]:
    """(allowed, message) for the BIND and ALLOW_PUBLIC_BIND in `environ`; message may be ""."""
    bind = environ.get("BIND", "").strip() or DEFAULT_BIND
    if is_loopback(bind):
        return True, ""
    if _allowed(environ.get("ALLOW_PUBLIC_BIND", "")):
        return True, (
            f"WARNING: the development server will answer on {bind}, not only on this "
            "machine. It runs with DEBUG on, demo accounts and a publicly known SECRET_KEY: "
            "anyone who can reach it can read debug pages, sign in as the demo deputy and "
            "forge sessions. Never do this on a network you do not trust."
        )
    return False, (
        f"Refusing to start the development server on BIND={bind}: it runs with DEBUG on, "
        "demo accounts and a publicly known SECRET_KEY, so it answers on loopback only "
        f"(BIND={DEFAULT_BIND}, the default). To expose it anyway, say so: "
        f"BIND={bind} ALLOW_PUBLIC_BIND=1 make run. For a real installation see "
        "docs/operations.md."
    )


def main(environ: Mapping[str, str] | None = None) -> int:
    allowed, message = check(os.environ if environ is None else environ)
    if message:
        print(message, file=sys.stderr)
    return 0 if allowed else REFUSED


if __name__ == "__main__":
    sys.exit(main())
