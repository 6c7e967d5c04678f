from camreg.accounts.roles import Permission
from camreg.web.access import staff

SETTINGS = Permission.SETTINGS


def _email(fixtures) -> dict:
    return {"key": "verify_email", "language": "es"}


def _published_terms(fixtures) -> dict:
    return {"number": 1}  # the sample terms every installation starts with


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
    "console:registrant-confirm": staff(Permission.REGISTRANT_EDIT, kwargs=_registrant_a, ok=405),
    # The yearly confirmation funnel and the outbox's undeliverable emails.
    "console:confirmation": staff(Permission.REVIEW),
    "console:confirmation-list": staff(
        Permission.REVIEW, kwargs=lambda f: {"month": "2026-03", "stage": "lapsed"}
    ),
    "console:outbox": staff(Permission.REVIEW),
    "console:outbox-action": staff(
        Permission.REVIEW, kwargs=lambda f: {"pk": 1, "action": "retry"}, ok=405
    ),
    # Program settings (/console/settings/).
    "settings:settings": staff(SETTINGS),
    "settings:profile": staff(SETTINGS),
    "settings:boundary": staff(SETTINGS),
    "settings:boundary-geojson": staff(SETTINGS),
    "settings:terms": staff(SETTINGS),
    "settings:terms-create": staff(SETTINGS),
    "settings:terms-version": staff(SETTINGS, kwargs=_published_terms),
    # Only drafts can be edited: a published version answers 404.
    "settings:terms-edit": staff(SETTINGS, kwargs=_published_terms, ok=404),
    "settings:terms-publish": staff(SETTINGS, kwargs=_published_terms, ok=405),
    "settings:terms-discard": staff(SETTINGS, kwargs=_published_terms, ok=405),
    "settings:emails": staff(SETTINGS),
    "settings:email-edit": staff(SETTINGS, kwargs=_email),
    "settings:email-html": staff(SETTINGS, kwargs=_email),
    "settings:email-restore": staff(SETTINGS, kwargs=_email, ok=405),
    "settings:confirm-mode": staff(SETTINGS),
    "settings:limits": staff(SETTINGS),
    # The audit log (/console/audit/).
    "audit:events": staff(Permission.AUDIT_VIEW),
    "audit:export": staff(Permission.AUDIT_VIEW),
    "audit:verify": staff(Permission.AUDIT_VIEW),
}
