from camreg.accounts.roles import Permission
from camreg.web.access import staff

URL_ACCESS = {
    "audit:events": staff(Permission.AUDIT_VIEW),
    "audit:export": staff(Permission.AUDIT_VIEW),
    "audit:verify": staff(Permission.AUDIT_VIEW),
}
