from camreg.accounts.roles import Permission
from camreg.web.access import api, public, staff


def _a_token(fixtures) -> dict:
    from camreg.accounts.services import create_service_account
    from camreg.api.models import ApiToken
    from camreg.api.services import create_token

    token = ApiToken.objects.order_by("pk").first()
    if token is None:
        account = create_service_account(name="Matrix", roles=["deputy"], actor=None)
        token, _raw = create_token(user=account, name="Matrix")
    return {"pk": token.pk}


URL_ACCESS = {
    # The REST API (/api/v1/): the schema and its documentation page are public; every
    # operation takes a bearer token only, never the session, so without one: 401.
    "api:api-root": public(ok=404),  # nothing at /api/v1/ itself
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    "api:cameras-nearby": api(Permission.CANVASS),
    # POST only: a GET (what the matrix sends) is 405 before authentication.
    # /cases: GET lists (both names reverse to the one path), POST creates.
    "api:cases": api(Permission.CANVASS),
    "api:case-list": api(Permission.CANVASS),
    "api:case": api(Permission.CANVASS, kwargs=lambda f: {"case_id": 1}),
    "api:footage-requests": api(Permission.CANVASS, denied=405),
    "api:footage-request": api(Permission.CANVASS, kwargs=lambda f: {"request_id": 1}),
    # API tokens in the console (/console/api-tokens/).
    "api-tokens:list": staff(Permission.USERS),
    "api-tokens:create": staff(Permission.USERS),
    "api-tokens:revoke": staff(Permission.USERS, kwargs=_a_token, ok=405),
}
