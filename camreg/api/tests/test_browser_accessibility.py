"""The API token pages and the API documentation page pass axe-core (WCAG 2.1 A and AA)
with no Content-Security-Policy violation."""

from __future__ import annotations

import pytest

from camreg.testing.browser import assert_accessible
from camreg.testing.staff import make_service_account, sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def check(page, label: str) -> None:
    assert_accessible(page, label)
    assert not page.csp_violations, page.csp_violations


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_token_pages_and_docs_are_accessible(new_page, administrator, viewport):
    page = new_page(viewport)
    sign_in_browser(page, administrator)
    page.goto("/console/api-tokens/")
    check(page, f"token list, empty ({viewport})")
    page.goto("/console/api-tokens/new/")
    check(page, f"token form without a service account ({viewport})")
    account = make_service_account("deputy", name="Kern CAD")
    page.goto("/console/api-tokens/new/")
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    check(page, f"token form with errors ({viewport})")
    page.select_option('[name="account"]', str(account.pk))
    page.fill('[name="name"]', "Dispatch")
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    assert page.locator("#api-token").inner_text().startswith("crk_")
    check(page, f"token shown once ({viewport})")
    page.goto("/console/api-tokens/")
    check(page, f"token list ({viewport})")
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke Dispatch").click()
    check(page, f"token list after revoking ({viewport})")

    page.goto("/api/v1/docs")
    # Swagger UI (npm swagger-ui-dist) has read the schema and listed the operations.
    page.wait_for_selector("#api-reference .opblock-summary-path", timeout=15_000)
    assert page.locator("#api-reference .opblock").count() == 6
    check(page, f"API documentation ({viewport})")
    # An operation opened, with its parameters, examples and answers.
    page.locator("#api-reference .opblock-summary-control").first.click()
    page.wait_for_selector("#api-reference .responses-wrapper", timeout=15_000)
    check(page, f"API documentation, an operation open ({viewport})")
