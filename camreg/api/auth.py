"""Bearer-token authentication for the REST API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from . import services


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's service account becomes `request.user`.

    A valid token is the API's strong factor (it stands where the console's second factor
    does), so the owner counts as verified for this request and the permission module
    (`camreg.accounts.roles.can`) decides the rest, as in the console. See
    docs/decisions/0008-api-bearer-tokens.md.
    """

    def authenticate(self, request: HttpRequest, token: str):
        found = services.authenticate(token.strip())
        if found is None:
            return None
        user = found.user
        user.is_verified = lambda: True
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        # Every audit event of this request names the token as well as its service account
        # (camreg.audit.services.record reads `audit_via`).
        request.audit_via = {"api_token": found.pk, "prefix": found.prefix}  # type: ignore[attr-defined]
        return user


token_auth = TokenAuth()
