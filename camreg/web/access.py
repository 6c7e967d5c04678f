"""Who may open each URL: the documented answer the permission-matrix test checks.

Each app lists its URL names in `<app>/access.py` as `URL_ACCESS = {name: Access(...)}`.
camreg/tests/test_permission_matrix.py requests every URL in the resolver as an
anonymous visitor, as two registrants (magic-link sessions) and as each staff role, and
compares the answer with these entries. A URL without an entry fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PUBLIC = "public"  # everyone gets `ok`
PORTAL = "portal"  # registrants in a magic-link session; others are sent to /manage/
STAFF = "staff"  # verified staff holding `permission`; others 403, or sign-in when not staff
SIGN_IN = "sign-in"  # the staff sign-in flow itself
# REST API routes: bearer tokens only, never the session cookie, so they are exempt from
# CSRF; every visitor without a token (the matrix's visitors) gets `denied`, default 401.
API = "api"


@dataclass(frozen=True)
class Access:
    kind: str
    permission: str | None = None  # a camreg.accounts.roles.Permission
    # Builds the URL's kwargs from the test's fixtures (ids of registrant A's rows, ...).
    kwargs: Callable[[object], dict] | None = None
    # GET status for someone allowed (405 for POST-only views, 410 for a dead link...).
    ok: int = 200
    # GET status for someone not allowed; None: the kind's default (portal: 302 to /manage/;
    # staff: 302 to sign-in when not signed in as staff, 403 when the role lacks permission).
    denied: int | None = None
    # For portal URLs naming registrant A's rows: registrant B gets `other` instead.
    owner_only: bool = False
    other: int = 404


def public(**kw) -> Access:
    return Access(PUBLIC, **kw)


def portal(**kw) -> Access:
    return Access(PORTAL, **kw)


def staff(permission: str, **kw) -> Access:
    return Access(STAFF, permission, **kw)


def sign_in(**kw) -> Access:
    return Access(SIGN_IN, **kw)


def api(permission: str | None = None, **kw) -> Access:
    return Access(API, permission, **kw)
