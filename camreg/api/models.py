"""API tokens: the bearer tokens dispatch systems use to call the REST API as a service account.

The token itself is shown once, when it is created; only its SHA-256 hash is stored, with
a short prefix so people can tell their tokens apart. A token belongs to a service account
(decision 0019), never to a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from camreg.tokens import Token

PURPOSE = "api"


class ApiToken(Token):
    """An API bearer token (camreg.tokens): used many times, never expires unless given an
    expiry, works until revoked and only while its service account is active. Deactivating
    the account revokes it for good."""

    # The service account the token acts as (api.services only issues tokens for those).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("name", max_length=100)
    prefix = models.CharField("prefix", max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"API token {self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.is_usable() and self.user.is_active and self.user.is_service_account

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if not self.user.is_active:
            return "Service account deactivated"
        if not self.user.is_service_account:
            return "Not a service account's: does not work"
        return "Active"
