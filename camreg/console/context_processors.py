from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from camreg.accounts.roles import Permission, permissions_of

# The console menu: (label, URL name, permission needed to see the entry).
MENU = [
    ("Home", "console:home", Permission.CONSOLE),
    ("Review", "console:review", Permission.REVIEW),
    ("Camera map", "console:registry-map", Permission.REGISTRY_VIEW),
    ("Registrants", "console:registrants", Permission.REGISTRY_VIEW),
    ("Confirmation", "console:confirmation", Permission.REVIEW),
    ("Outbox", "console:outbox", Permission.REVIEW),
    ("Canvass", "canvass:cases", Permission.CANVASS),
    ("Footage requests", "footage:dashboard", Permission.CANVASS),
    ("Evidence", "evidence:index", Permission.EVIDENCE_VIEW),
    ("Releases", "evidence:release-queue", Permission.EVIDENCE),
    ("Program settings", "settings:settings", Permission.SETTINGS),
    ("Staff", "staff:list", Permission.USERS),
    ("API tokens", "api-tokens:list", Permission.USERS),
    ("Audit log", "audit:events", Permission.AUDIT_VIEW),
]


def console(request: HttpRequest) -> dict:
    """`staff_can` (permission names held) and `console_menu` for the signed-in staff member."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_can": set(), "console_menu": []}
    held = permissions_of(user)
    menu = []
    for label, name, permission in MENU:
        if permission not in held:
            continue
        try:
            menu.append((label, reverse(name)))
        except NoReverseMatch:
            continue  # that part of the console is not installed
    return {"staff_can": {p.value for p in held}, "console_menu": menu}
