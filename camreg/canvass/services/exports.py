"""What is printed or exported from a search's results: a contact sheet, a CSV; each audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from camreg.accounts.roles import Permission, can
from camreg.audit import services as audit
from camreg.canvass.services.results import SearchResult


def record_output(action: str, result: SearchResult, *, actor, request=None, **details) -> None:
    """Audit a contact sheet printed ("canvass.contact_sheet_printed") or a CSV export
    ("canvass.exported") of a search's results, with its row counts."""
    if action not in ("canvass.contact_sheet_printed", "canvass.exported"):
        raise ValueError(action)
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    audit.record(
        action,
        actor=actor,
        request=request,
        target=result.params.case,
        case_number=result.params.case_number,
        details={
            "rows": len(result.cameras) + len(result.apart),
            "results": result.counts,
            "search_event_id": result.audit_event_id,
            **details,
        },
    )
