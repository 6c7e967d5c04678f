from camreg.accounts.roles import Permission
from camreg.web.access import staff


def _no_case(fixtures) -> dict:
    # The matrix has no case: a case id that does not exist answers 404 to those allowed.
    return {"pk": 999999}


URL_ACCESS = {
    "canvass:cases": staff(Permission.CANVASS),
    "canvass:case-create": staff(Permission.CANVASS),
    "canvass:case": staff(Permission.CANVASS, kwargs=_no_case, ok=404),
    "canvass:search-add": staff(Permission.CANVASS, kwargs=_no_case, ok=404),
    "canvass:case-status": staff(Permission.CANVASS, kwargs=_no_case, ok=405),
    "canvass:contact-sheet": staff(Permission.CANVASS, kwargs=_no_case, ok=404),
    "canvass:export": staff(Permission.CANVASS, kwargs=_no_case, ok=404),
}
