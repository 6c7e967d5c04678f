"""Helpers for the browser tests of any app: the system Chromium driven by Playwright, axe-core
checks, and the small actions a person takes on a form. Imports no app."""

from __future__ import annotations

import json
import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
LANGUAGES = ["en", "es"]
LANGUAGE_COOKIE = "camreg_language"

_axe_source: str | None = None

# One Playwright and one Chromium per process, shared by every fixture that asks for it:
# Playwright's sync API cannot be started twice in the same thread.
_shared: dict = {"users": 0, "playwright": None, "browser": None, "async_unsafe": None}


def acquire_browser():
    """The process's Chromium, started on first use. Pair every call with release_browser()."""
    if _shared["browser"] is None:
        from playwright.sync_api import sync_playwright

        # While Playwright's sync API runs, an asyncio loop is running in this thread, so
        # Django would refuse ORM calls from the tests (and from any later test in this
        # process) without this.
        _shared["async_unsafe"] = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        playwright = sync_playwright().start()
        try:
            _shared["browser"] = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        except Exception:
            playwright.stop()
            _restore_async_unsafe()
            raise
        _shared["playwright"] = playwright
    _shared["users"] += 1
    return _shared["browser"]


def release_browser() -> None:
    _shared["users"] -= 1
    if _shared["users"] > 0 or _shared["browser"] is None:
        return
    _shared["browser"].close()
    _shared["playwright"].stop()
    _shared["browser"] = _shared["playwright"] = None
    _restore_async_unsafe()


def _restore_async_unsafe() -> None:
    previous = _shared["async_unsafe"]
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    return _axe_source


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now (WCAG 2.1 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # evaluate() goes through the DevTools protocol, so the site's CSP does not block it.
        page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate(
        """async (options) => {
            const results = await window.axe.run(document, options);
            return {passes: results.passes.length, violations: results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target, html: n.html.slice(0, 300),
                    summary: (n.failureSummary || "").slice(0, 400),
                })),
            }))};
        }""",
        options,
    )
    assert results["passes"] or results["violations"], "axe-core checked nothing on the page"
    return results["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    target: {json.dumps(node['target'])}")
            lines.append(f"      html: {node['html']}")
            if node["summary"]:
                summary = node["summary"].replace("\n", " | ")
                lines.append(f"      why: {summary}")
    return "\n".join(lines)


def _axe_violations_of_snapshot(page) -> list[dict]:
    """axe-core needs timers, which do not run in a page with JavaScript turned off: check a
    copy of the page's current DOM in a context that may run scripts but loads none of the
    site's own."""
    options = {**page.context_options, "java_script_enabled": True}
    url, html = page.url, page.content()
    context = page.context.browser.new_context(**options)

    def serve(route):
        request = route.request
        if request.resource_type == "document" and request.url == url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    try:
        context.route("**/*", serve)
        copy = context.new_page()
        copy.goto(url)
        return axe_violations(copy)
    finally:
        context.close()


def assert_accessible(page, label: str) -> None:
    """Zero axe-core violations of WCAG 2.1 A/AA on the page in its current state."""
    page.wait_for_load_state("load")
    if getattr(page, "context_options", {}).get("java_script_enabled", True):
        violations = axe_violations(page)
    else:
        violations = _axe_violations_of_snapshot(page)
    assert not violations, (
        f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {label!r} "
        f"({page.url}):\n{format_violations(violations)}"
    )


# Actions on forms ---------------------------------------------------------------------


def choose(page, name: str, value: str) -> None:
    """Pick a radio button or tick a checkbox the way a person does: by its label."""
    control = page.locator(f'[name="{name}"][value="{value}"]')
    control_id = control.get_attribute("id")
    page.locator(f'label[for="{control_id}"]').click()
    assert control.is_checked(), f"{name}={value} is not checked after clicking its label"


def tick(page, name: str) -> None:
    """Tick a single checkbox by clicking its label."""
    control = page.locator(f'[name="{name}"]')
    if not control.is_checked():
        page.locator(f'label[for="{control.get_attribute("id")}"]').click()
    assert control.is_checked(), f"{name} is not checked after clicking its label"


def press(page, action: str) -> None:
    """Press one of the form's submit buttons (`name=action`) and wait for the new page."""
    button = page.locator(f'main button[name="action"][value="{action}"]:visible').first
    with page.expect_navigation():
        button.click()


def submit_registration(page) -> None:
    """Press the big visible "Register" / "Save changes" button."""
    with page.expect_navigation():
        page.locator('button.usa-button--big[name="action"][value="submit"]').click()


def fill_contact(page, *, name: str, email: str, language: str) -> None:
    choose(page, "contact-kind", "resident")
    page.fill('[name="contact-name"]', name)
    page.fill('[name="contact-email"]', email)
    page.fill('[name="contact-phone"]', "(661) 555-0123")
    choose(page, "contact-preferred_contact", "email")
    page.select_option('[name="contact-language"]', language)


def fill_site(page, index: int, *, street: str, city: str, postcode: str, label: str = "") -> None:
    if label:
        page.fill(f'[name="s{index}-label"]', label)
    page.fill(f'[name="s{index}-street"]', street)
    page.fill(f'[name="s{index}-city"]', city)
    page.fill(f'[name="s{index}-postcode"]', postcode)


def fill_camera(
    page,
    site: int,
    camera: int,
    *,
    label: str,
    direction: int | None = 90,
    placement: str = "outdoor",
    recording_mode: str = "continuous",
    system_type: str = "cloud_doorbell",
) -> None:
    prefix = f"s{site}-c{camera}"
    page.fill(f'[name="{prefix}-label"]', label)
    if direction is not None:
        page.fill(f'[name="{prefix}-direction"]', str(direction))
    page.fill(f'[name="{prefix}-field_of_view"]', "100")
    page.fill(f'[name="{prefix}-range_ft"]', "80")
    choose(page, f"{prefix}-placement", placement)
    choose(page, f"{prefix}-recording_mode", recording_mode)
    page.fill(f'[name="{prefix}-retention_days"]', "30")
    page.select_option(f'[name="{prefix}-system_type"]', system_type)


def assert_no_sideways_scroll(page, label: str) -> None:
    """The page fits the window's width (a phone at 390 px): nothing scrolls sideways."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px"


def check_page(page, label: str, viewport: str) -> None:
    """What every page must hold in a browser: axe-core finds no WCAG 2.1 A/AA violation,
    the CSP blocked nothing, and on a phone nothing scrolls sideways."""
    assert_accessible(page, f"{label} ({viewport})")
    assert page.csp_violations == [], page.csp_violations
    if viewport == "phone":
        assert_no_sideways_scroll(page, f"{label} on a phone")
