from camreg.accounts.roles import Permission
from camreg.web.access import staff

URL_ACCESS = {
    "console:home": staff(Permission.CONSOLE),
}
