"""The permission matrix: every URL, the access the apps' access.py files document for it, and
the answer each kind of visitor should get. Imports accounts (the roles) and the apps below
it only; the visitors themselves come from the root conftest.py's `visitors` fixture."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from camreg.accounts.roles import ROLE_PERMISSIONS, Role
from camreg.web.access import API, PORTAL, PUBLIC, SIGN_IN, STAFF, Access


@dataclass
class Visitors:
    """What an access entry's `kwargs` may refer to."""

    registrant_a: Any
    registrant_b: Any
    camera_a: Any


def url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(url_names(entry.url_patterns, ns))
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def documented() -> dict[str, Access]:
    table: dict[str, Access] = {}
    for app in settings.INSTALLED_APPS:
        if not app.startswith("camreg."):
            continue
        try:
            module = importlib.import_module(f"{app}.access")
        except ModuleNotFoundError:
            continue
        table.update(getattr(module, "URL_ACCESS", {}))
    return table


def expected(access: Access, visitor: str) -> int | tuple[int, ...]:
    """The status `visitor` (anonymous, registrant_a, registrant_b or a role) should get."""
    if access.kind in (PUBLIC, SIGN_IN):
        return access.ok
    if access.kind == PORTAL:
        if visitor == "registrant_a":
            return access.ok
        if visitor == "registrant_b":
            return access.other if access.owner_only else access.ok
        return access.denied if access.denied is not None else 302
    if access.kind == STAFF:
        if visitor in Role.values:
            if visitor in ROLE_PERMISSIONS[access.permission]:
                return access.ok
            return access.denied if access.denied is not None else 403
        return 302
    if access.kind == API:  # no visitor here sends a bearer token
        return access.denied if access.denied is not None else 401
    raise AssertionError(f"unknown access kind {access.kind}")
