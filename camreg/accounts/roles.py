"""Staff roles and what each may do: the one permission module.

Every view, API route and management command asks `can(user, Permission.X)` (or uses the
`permission_required` decorator); nothing else decides who may do what. docs/roles.md shows
the same matrix for people.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    DEPUTY = "deputy", "Deputy"
    INVESTIGATOR = "investigator", "Investigator"
    SUPERVISOR = "supervisor", "Supervisor"
    PROGRAM_COORDINATOR = "program_coordinator", "Program coordinator"
    EVIDENCE_CUSTODIAN = "evidence_custodian", "Evidence custodian"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class Permission(StrEnum):
    CONSOLE = "console.access"  # see the staff console at all
    REGISTRY_VIEW = "registry.view"  # camera map and registrant list, registrant details (audited)
    REGISTRANT_EDIT = "registrant.edit"  # change a registration on the registrant's behalf
    REGISTRANT_NOTE = "registrant.note"  # add notes to a registrant
    REVIEW = "registration.review"  # confirm or reject registrations
    SETTINGS = "program.settings"  # agency profile, boundary, terms, email texts, limits
    USERS = "staff.manage"  # invite, assign roles, deactivate; API tokens
    AUDIT_VIEW = "audit.view"  # the audit log and its export
    CANVASS = "canvass.search"  # cases, canvass searches, footage requests
    CANVASS_OVERRIDE = "canvass.override"  # exceed canvass limits with a written reason
    EVIDENCE_VIEW = "evidence.view"  # evidence files of cases, downloads, custody reports
    EVIDENCE = "evidence.manage"  # custody, releases, sharing


_ALL = set(Role.values)
ROLE_PERMISSIONS: dict[Permission, set[str]] = {
    Permission.CONSOLE: _ALL,
    Permission.REGISTRY_VIEW: {
        Role.DEPUTY,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
        Role.PROGRAM_COORDINATOR,
    },
    Permission.REGISTRANT_EDIT: {Role.SUPERVISOR, Role.PROGRAM_COORDINATOR},
    Permission.REGISTRANT_NOTE: {
        Role.DEPUTY,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
        Role.PROGRAM_COORDINATOR,
    },
    Permission.REVIEW: {Role.SUPERVISOR, Role.PROGRAM_COORDINATOR},
    Permission.SETTINGS: {Role.PROGRAM_COORDINATOR, Role.ADMINISTRATOR},
    Permission.USERS: {Role.ADMINISTRATOR},
    Permission.AUDIT_VIEW: {Role.AUDITOR},
    Permission.CANVASS: {Role.DEPUTY, Role.INVESTIGATOR, Role.SUPERVISOR},
    Permission.CANVASS_OVERRIDE: {Role.SUPERVISOR},
    Permission.EVIDENCE_VIEW: {
        Role.DEPUTY,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
        Role.EVIDENCE_CUSTODIAN,
    },
    Permission.EVIDENCE: {Role.EVIDENCE_CUSTODIAN},
}

# Service accounts (decision 0019) are systems calling the REST API with a token; they never
# sign in to the console. They hold only the roles whose work the API does, and whatever
# those roles grant elsewhere, a service account can only do what the API offers.
API_PERMISSIONS: frozenset[Permission] = frozenset(
    {Permission.CANVASS, Permission.CANVASS_OVERRIDE}
)
SERVICE_ACCOUNT_ROLES: tuple[str, ...] = (Role.DEPUTY, Role.INVESTIGATOR, Role.SUPERVISOR)


def is_service_account(user) -> bool:
    return bool(getattr(user, "is_service_account", False))


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    held = set(getattr(user, "roles", None) or [])
    if is_service_account(user):
        held &= set(SERVICE_ACCOUNT_ROLES)
    return held


def can(user, permission: Permission) -> bool:
    """Whether a signed-in (second factor included), active staff user may do `permission`.

    A service account, verified by its API token, may only do what the API offers."""
    if is_service_account(user) and permission not in API_PERMISSIONS:
        return False
    return is_verified(user) and bool(roles_of(user) & ROLE_PERMISSIONS[permission])


def permissions_of(user) -> set[Permission]:
    held = roles_of(user)
    granted = {p for p, roles in ROLE_PERMISSIONS.items() if held & roles}
    if is_service_account(user):
        granted &= API_PERMISSIONS
    return granted


def is_verified(user) -> bool:
    """Signed in with the second factor too (django-otp's OTPMiddleware)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def check(user, permission: Permission) -> None:
    if not can(user, permission):
        raise PermissionDenied(permission.value)


def permission_required(permission: Permission) -> Callable:
    """View decorator: anonymous people go to sign-in; staff without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            user = request.user
            if not user.is_authenticated or not is_verified(user):
                return redirect_to_login(request.get_full_path())
            check(user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
