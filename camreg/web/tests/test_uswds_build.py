"""The USWDS build (camreg/web/sass/uswds.scss, compiled by `manage.py build_css`): small, no
font to download, and nothing the templates use left out of it (decision 0020)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from camreg.web.management.commands import build_css

PACKAGE = Path(settings.PACKAGE_DIR)
FULL_USWDS = Path(settings.NODE_MODULES) / "@uswds" / "uswds" / "dist" / "css" / "uswds.css"
CLASS_SELECTOR = re.compile(r"\.((?:[a-zA-Z0-9_-]|\\:)+)")
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
USA_LITERAL = re.compile(r"""["'\s](usa-[a-z0-9_-]+)""")


def classes_in(css: str) -> set[str]:
    return {name.replace("\\:", ":") for name in CLASS_SELECTOR.findall(css)}


def used_classes() -> dict[str, str]:
    """Class names the site's templates, scripts and forms use, with a file using each."""
    used: dict[str, str] = {}
    for path in PACKAGE.rglob("*"):
        if "tests" in path.parts or "build" in path.parts or not path.is_file():
            continue
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            # Template tags inside an attribute ({% if %}, {{ value }}) are left out.
            for attribute in CLASS_ATTRIBUTE.findall(text):
                attribute = re.sub(r"\{[%{].*?[%}]\}", " ", attribute)
                for name in attribute.split():
                    if "{" not in name and "}" not in name:
                        used.setdefault(name, str(path.relative_to(PACKAGE)))
        elif path.suffix in (".js", ".py"):
            for name in USA_LITERAL.findall(path.read_text(encoding="utf-8")):
                used.setdefault(name, str(path.relative_to(PACKAGE)))
    return used


def test_the_build_is_current_and_small():
    assert build_css.OUTPUT.exists(), "the test run builds it (conftest.py); so does make static"
    assert build_css.up_to_date()
    css = build_css.OUTPUT.read_text(encoding="utf-8")
    assert len(css) < 260_000, len(css)  # the full USWDS stylesheet is 515 KB
    assert len(css) < FULL_USWDS.stat().st_size / 2


def test_no_font_to_download():
    css = build_css.OUTPUT.read_text(encoding="utf-8")
    # System fonts: no @font-face at all; and never a font that hides text while loading.
    assert "@font-face" not in css
    assert "font-display:fallback" not in css and "font-display:block" not in css
    assert "Source Sans" not in css and "Merriweather" not in css


def test_every_uswds_class_the_site_uses_is_in_the_build():
    uswds = classes_in(FULL_USWDS.read_text(encoding="utf-8"))
    built = classes_in(build_css.OUTPUT.read_text(encoding="utf-8"))
    used = used_classes()
    assert "usa-button" in used and "grid-row" in used  # the scan finds them
    missing = {
        name: where for name, where in sorted(used.items()) if name in uswds and name not in built
    }
    assert not missing, (
        "USWDS classes used but not compiled into web/build/uswds.css; add their package or "
        f"utility to camreg/web/sass/uswds.scss: {missing}"
    )
