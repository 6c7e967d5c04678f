from django.http import HttpRequest

from camreg.accounts.roles import permissions_of


def console(request: HttpRequest) -> dict:
    """`staff_can`: the permission names the signed-in staff member holds (for menus)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_can": set()}
    return {"staff_can": {p.value for p in permissions_of(user)}}
