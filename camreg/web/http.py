"""Request helpers shared by every app: the client's address, rate limits, the language."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django_ratelimit import ALL
from django_ratelimit.core import get_usage, is_ratelimited

# The staff console and sign-in are in English; public pages follow the visitor's choice.
STAFF_PREFIXES = ("/console/", "/staff/")
# The REST API answers JSON, errors included.
API_PREFIX = "/api/"


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


def visitor_language(request: HttpRequest) -> str:
    """The language a page for this request is in, read from the request alone (the language
    cookie, then Accept-Language; English on staff pages), without the database."""
    if is_staff_path(request.path_info):
        return "en"
    return translation.get_language_from_request(request)


def body_limit(path: str) -> int:
    """The largest request body accepted at `path`: MAX_REQUEST_BODY, or the limit of the
    longest prefix in MAX_REQUEST_BODY_BY_PATH that `path` starts with."""
    limit = settings.MAX_REQUEST_BODY
    longest = -1
    for prefix, prefix_limit in settings.MAX_REQUEST_BODY_BY_PATH.items():
        if path.startswith(prefix) and len(prefix) > longest:
            limit, longest = prefix_limit, len(prefix)
    return limit


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


def rate_limit_reached(request: HttpRequest, group: str, rate: str, key: str | None = None) -> bool:
    """Whether `group` has counted its `rate` already (for `key`, default the client's IP),
    counting nothing: for limits on what was accepted, counted with count_towards_limit."""
    if not rate:
        return False
    value = key if key is not None else (client_ip(request) or "unknown")
    usage = get_usage(
        request, group=group, key=lambda _group, _request: value, rate=rate, method=ALL
    )
    return usage is not None and usage["count"] >= usage["limit"]


def count_towards_limit(request: HttpRequest, group: str, rate: str, key: str | None = None):
    """Count one accepted action in `group` (see rate_limit_reached)."""
    if not rate:
        return
    value = key if key is not None else (client_ip(request) or "unknown")
    get_usage(
        request,
        group=group,
        key=lambda _group, _request: value,
        rate=rate,
        method=ALL,
        increment=True,
    )


# Pages behind a private link (footage answers, yearly confirmation) ------------------------


def link_page_language(request: HttpRequest, preferred: str | None) -> str:
    """?lang= when the visitor switched language on the page, else `preferred` (the
    recipient's language), else the request's."""
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = request.GET.get("lang", "")
    if chosen in supported:
        return chosen
    if preferred in supported:
        return preferred
    return translation.get_language() or settings.LANGUAGE_CODE


def render_link_page(request, template, context, language, status=200) -> HttpResponse:
    """A private link's page in `language`, with a switch to the other one; never indexed."""
    other = "es" if language == "en" else "en"
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = render(
            request,
            template,
            {**context, "other_language": other, "switch_url": f"{request.path}?lang={other}"},
            status=status,
        )
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex"
    return response
