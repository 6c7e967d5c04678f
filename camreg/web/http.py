"""Request helpers shared by every app: the client's address, rate limits."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, trusting X-Forwarded-For only from configured proxies."""
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def rate_limited(request: HttpRequest, group: str, rate: str, key: str | None = None) -> bool:
    """Count one attempt in `group` and say whether the limit is exceeded.

    `key` defaults to the client's IP; pass e.g. an email address to limit per address.
    `rate` is "count/period" (s, m, h, d); an empty rate never limits.
    """
    if not rate:
        return False
    value = key if key is not None else (client_ip(request) or "unknown")
    return is_ratelimited(
        request,
        group=group,
        key=lambda _group, _request: value,
        rate=rate,
        method=ALL,
        increment=True,
    )
