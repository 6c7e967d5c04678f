from camreg.accounts.roles import Permission
from camreg.web.access import sign_in, staff


def _a_staff_member(fixtures) -> dict:
    from camreg.accounts.models import User

    return {"pk": User.objects.order_by("pk").values_list("pk", flat=True).first()}


URL_ACCESS = {
    # The sign-in flow: the same answer for everyone.
    "accounts:sign-in": sign_in(),
    "accounts:sign-in-code": sign_in(ok=302),  # without a correct password first: to sign-in
    "accounts:sign-in-enrol": sign_in(ok=302),  # likewise
    "accounts:recovery-codes": sign_in(ok=302),  # shown once, right after enrolment
    "accounts:sign-out": sign_in(ok=405, denied=405),
    "accounts:password-reset": sign_in(),
    "accounts:password-reset-sent": sign_in(),
    "accounts:password-reset-confirm": sign_in(
        kwargs=lambda f: {"token": "not-a-real-token"}, ok=410
    ),
    "accounts:invitation": sign_in(kwargs=lambda f: {"token": "not-a-real-token"}, ok=410),
    # Staff administration in the console (/console/staff/).
    "staff:list": staff(Permission.USERS),
    "staff:invite": staff(Permission.USERS),
    "staff:service-account-create": staff(Permission.USERS),
    "staff:detail": staff(Permission.USERS, kwargs=_a_staff_member),
    "staff:deactivate": staff(Permission.USERS, kwargs=_a_staff_member, ok=405),
    "staff:reactivate": staff(Permission.USERS, kwargs=_a_staff_member, ok=405),
    "staff:reset-mfa": staff(Permission.USERS, kwargs=_a_staff_member, ok=405),
    "staff:resend-invitation": staff(Permission.USERS, kwargs=_a_staff_member, ok=405),
    "staff:unlock": staff(Permission.USERS, kwargs=_a_staff_member, ok=405),
}
