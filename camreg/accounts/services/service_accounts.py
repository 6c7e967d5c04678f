"""Service accounts: the identity a dispatch or records system uses to call the REST API.

A service account is a staff account of kind "service" (decision 0019): it has a name and
roles (only those the API uses, `roles.SERVICE_ACCOUNT_ROLES`), no password, no second factor
and no email that anything is sent to; it never signs in to the console (the authentication
backend, sign-in, password reset and invitations all refuse it). API tokens belong to service
accounts only, so what a system does through the API is audited in the system's name, never
in a person's.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from camreg.audit.services import record

from ..models import SERVICE_ACCOUNT_EMAIL_DOMAIN, AccountKind, User
from .staff import StaffChangeRefused, _clean_roles, check_service_account_roles


def _service_email(name: str) -> str:
    slug = slugify(name)[:40].strip("-") or "service"
    return f"{slug}-{secrets.token_hex(3)}@{SERVICE_ACCOUNT_EMAIL_DOMAIN}"


def create_service_account(
    *, name: str, roles: list[str], actor: User | None, request: HttpRequest | None = None
) -> User:
    """A new, active service account with `roles`; audited as "staff.service_account_created"."""
    name = (name or "").strip()
    if not name:
        raise StaffChangeRefused("Give the service account a name, such as the system's.")
    clean = _clean_roles(roles)
    if not clean:
        raise StaffChangeRefused("Choose at least one role.")
    check_service_account_roles(clean)
    with transaction.atomic():
        email = _service_email(name)
        while User.objects.filter(email=email).exists():
            email = _service_email(name)
        user = User.objects.create_user(
            email, None, full_name=name[:200], roles=clean, kind=AccountKind.SERVICE
        )
        record(
            "staff.service_account_created",
            actor=actor,
            request=request,
            target=user,
            details={"name": user.full_name, "roles": user.roles},
        )
    return user
