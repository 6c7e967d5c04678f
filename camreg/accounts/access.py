from camreg.web.access import sign_in

URL_ACCESS = {
    "accounts:sign-in": sign_in(),
    "accounts:sign-out": sign_in(ok=405, denied=405),
}
