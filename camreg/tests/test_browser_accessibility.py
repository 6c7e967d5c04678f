"""Every public page passes axe-core (WCAG 2.1 A and AA) in both languages on a phone and a
desktop, and the registration form works from the keyboard alone."""

from __future__ import annotations

import pytest

from camreg.testing.browser import LANGUAGES, VIEWPORTS, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PUBLIC_PAGES = [
    "/",
    "/faq/",
    "/terms/",
    "/privacy/",
    "/register/",
    "/register/sent/",
    "/manage/",
    "/manage/sent/",
    "/goodbye/",
    "/verify/bogus-token/",
    "/manage/link/bogus/",
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible(new_page, path, language, viewport):
    page = new_page(viewport, language=language)
    response = page.goto(path)
    assert response is not None and response.status < 500, (path, response and response.status)
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page, f"{path} ({language}, {viewport})")
    assert not page.csp_violations, page.csp_violations


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_staff_sign_in_is_accessible(new_page, viewport):
    page = new_page(viewport)
    response = page.goto("/staff/sign-in/")
    assert response is not None and response.status == 200
    assert_accessible(page, f"/staff/sign-in/ ({viewport})")


# Keyboard ---------------------------------------------------------------------------------

FOCUS_KEY = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    return el.dataset.tabProbe ?? `other:${el.tagName.toLowerCase()}#${el.id}.${el.className}`;
}"""

# Marks every element of the registration form a keyboard user must be able to reach and
# returns their keys. A group of radio buttons is one tab stop.
MARK_FOCUSABLE = """() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
    const form = document.querySelector('form.registration-form');
    const keys = new Set();
    for (const el of form.querySelectorAll(selector)) {
        if (el.disabled || el.tabIndex < 0 || el.type === 'hidden') continue;
        if (!el.checkVisibility()) continue;
        if (el.closest('[inert], [aria-hidden=true]')) continue;
        const details = el.closest('details');
        if (details && !details.open && el.tagName !== 'SUMMARY') continue;
        const key = el.type === 'radio' ? `radio:${el.name}`
            : `${el.tagName.toLowerCase()}:${el.name || el.id || el.className}:${el.value || ''}`;
        el.dataset.tabProbe = key;
        keys.add(key);
    }
    return [...keys];
}"""


def _tab_through(page, limit: int) -> list[str | None]:
    """Press Tab until focus leaves the page (or `limit` presses); the focused keys in order."""
    seen: list[str | None] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        key = page.evaluate(FOCUS_KEY)
        seen.append(key)
        if key is None and len(seen) > 1:
            break
    return seen


@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_comes_first_and_moves_focus_to_main(new_page, language):
    page = new_page("desktop", language=language)
    page.goto("/register/")
    page.keyboard.press("Tab")
    skip = page.locator("a.usa-skipnav")
    assert page.evaluate("() => document.activeElement.classList.contains('usa-skipnav')"), (
        "the first Tab does not reach the skip link: "
        + str(page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)"))
    )
    assert skip.is_visible(), "the focused skip link must be visible"
    assert skip.get_attribute("href") == "#main-content"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement?.id === 'main-content'")
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_every_registration_control_is_reachable_by_tab(new_page, javascript):
    page = new_page("desktop", javascript=javascript)
    page.goto("/register/")
    if javascript:
        # The map loads when it nears the screen (decision 0020); then back to the top.
        page.locator(".site-map-wrapper").first.scroll_into_view_if_needed()
        page.wait_for_selector(".site-map.leaflet-container")
        page.evaluate("() => window.scrollTo(0, 0)")
    expected = page.evaluate(MARK_FOCUSABLE)
    assert len(expected) > 30, expected  # contact, place, camera, terms and buttons
    sequence = _tab_through(page, limit=len(expected) * 3 + 60)
    reached = {key for key in sequence if key}
    missing = [key for key in expected if key not in reached]
    assert not missing, f"not reachable with Tab: {missing}\nTab order: {sequence}"
    # Nothing in the form traps focus: Tab eventually leaves the form and the page.
    assert sequence[-1] is None, f"focus never left the page after {len(sequence)} Tabs"
    # The form is visited in document order: each probe key first appears in the order
    # the elements appear in the form.
    order = list(dict.fromkeys(key for key in sequence if key in set(expected)))
    assert order == expected, f"Tab order differs from the page order:\n{order}\n{expected}"
