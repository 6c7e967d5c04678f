from camreg.accounts.roles import Permission
from camreg.web.access import staff

SETTINGS = Permission.SETTINGS


def _email(fixtures) -> dict:
    return {"key": "verify_email", "language": "es"}


def _published_terms(fixtures) -> dict:
    return {"number": 1}  # the sample terms every installation starts with


URL_ACCESS = {
    "agency:settings": staff(SETTINGS),
    "agency:profile": staff(SETTINGS),
    "agency:boundary": staff(SETTINGS),
    "agency:boundary-geojson": staff(SETTINGS),
    "agency:terms": staff(SETTINGS),
    "agency:terms-create": staff(SETTINGS),
    "agency:terms-version": staff(SETTINGS, kwargs=_published_terms),
    # Only drafts can be edited: a published version answers 404.
    "agency:terms-edit": staff(SETTINGS, kwargs=_published_terms, ok=404),
    "agency:terms-publish": staff(SETTINGS, kwargs=_published_terms, ok=405),
    "agency:terms-discard": staff(SETTINGS, kwargs=_published_terms, ok=405),
    "agency:emails": staff(SETTINGS),
    "agency:email-edit": staff(SETTINGS, kwargs=_email),
    "agency:email-html": staff(SETTINGS, kwargs=_email),
    "agency:email-restore": staff(SETTINGS, kwargs=_email, ok=405),
    "agency:confirm-mode": staff(SETTINGS),
    "agency:limits": staff(SETTINGS),
}
