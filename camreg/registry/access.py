from camreg.web.access import portal, public

URL_ACCESS = {
    "registry:register": public(),
    "registry:register-sent": public(),
    "registry:locate": public(),
    "registry:verify": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=410),
    "registry:manage-request": public(),
    "registry:manage-sent": public(),
    "registry:manage-link": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=410),
    "registry:goodbye": public(),
    "registry:portal": portal(),
    "registry:portal-edit": portal(),
    "registry:portal-terms": portal(),
    "registry:portal-moved": portal(),
    "registry:portal-leave": portal(),
    "registry:portal-sign-out": portal(ok=405, denied=405),
    "registry:portal-photo": portal(
        kwargs=lambda f: {"camera_id": f.camera_a.pk}, owner_only=True, denied=404
    ),
}
