from camreg.accounts.roles import Permission
from camreg.web.access import public, staff

_NO_SUCH_REQUEST = {"pk": 999999}

URL_ACCESS = {
    "footage:dashboard": staff(Permission.CANVASS),
    # Without a case it explains where to start (the case results).
    "footage:request-create": staff(Permission.CANVASS),
    "footage:request": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_REQUEST, ok=404),
    "footage:request-contact": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_REQUEST, ok=405),
    "footage:request-received": staff(
        Permission.CANVASS, kwargs=lambda f: _NO_SUCH_REQUEST, ok=405
    ),
    "footage:request-close": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_REQUEST, ok=405),
    "footage:request-renew": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_REQUEST, ok=405),
    "footage:call-log": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_REQUEST, ok=405),
    "footage-public:answer": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=410),
}
