from camreg.accounts.roles import Permission
from camreg.web.access import staff


def _registrant_a(fixtures) -> dict:
    return {"pk": fixtures.registrant_a.pk}


URL_ACCESS = {
    "console:home": staff(Permission.CONSOLE),
    "console:review": staff(Permission.REVIEW),
    "console:review-bulk-confirm": staff(Permission.REVIEW, ok=405),
    "console:review-confirm": staff(Permission.REVIEW, kwargs=_registrant_a, ok=405),
    # Registrant A is active, not waiting for review: back to the queue with a message.
    "console:review-reject": staff(Permission.REVIEW, kwargs=_registrant_a, ok=302),
    "console:registry-map": staff(Permission.REGISTRY_VIEW),
    "console:registry-map-data": staff(Permission.REGISTRY_VIEW),
    "console:registrants": staff(Permission.REGISTRY_VIEW),
    "console:registrant": staff(Permission.REGISTRY_VIEW, kwargs=_registrant_a),
    "console:registrant-edit": staff(Permission.REGISTRANT_EDIT, kwargs=_registrant_a),
    "console:registrant-note": staff(Permission.REGISTRANT_NOTE, kwargs=_registrant_a, ok=405),
}
