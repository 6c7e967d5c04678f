"""Reading the audit log in tests. Imports the audit app only."""

from __future__ import annotations

from camreg.audit.models import AuditEvent


def events(action: str) -> list[AuditEvent]:
    """The events recorded with `action`, oldest first."""
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def one_event(action: str) -> AuditEvent:
    """The one event recorded with `action` (fails if there is none or more than one)."""
    found = events(action)
    assert len(found) == 1, f"{len(found)} {action!r} events: {found}"
    return found[0]


def actions() -> list[str]:
    """Every recorded action, oldest first."""
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
