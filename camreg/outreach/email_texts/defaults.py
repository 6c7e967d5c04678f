"""The shipped text of an email as an editable template: the starting point staff reword."""

from __future__ import annotations

import difflib
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from camreg.outreach.text import TEMPLATE_DIR, one_line, tidy_text

from .catalogue import EmailKind, PlaceholderObject, kind


def default_source(key: str, language: str) -> tuple[str, str]:
    """The shipped subject and text of an email as an editable template (a starting point)."""
    subject_r, body_r = _shipped_with_placeholders(key, language, "review")
    subject_a, body_a = _shipped_with_placeholders(key, language, "automatic")
    return _merge_modes(subject_r, subject_a), _merge_modes(body_r, body_a)


def _placeholder_context(email: EmailKind, confirm_mode: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "name": "{{ name }}",
        "site_url": "{{ site_url }}",
        "agency": PlaceholderObject("agency", confirm_mode=confirm_mode),
    }
    context.update(email.placeholders)
    return context


def _shipped_with_placeholders(key: str, language: str, confirm_mode: str) -> tuple[str, str]:
    email = kind(key)
    context = _placeholder_context(email, confirm_mode)
    with translation.override(language):
        subject = render_to_string(f"{TEMPLATE_DIR}/{key}.subject.txt", context)
        body = render_to_string(f"{TEMPLATE_DIR}/{key}.txt", context)
    body = tidy_text(body)
    # The footer (after the "-- " signature line) is added to every text anyway.
    body = body.split("\n-- \n", 1)[0].rstrip("\n")
    lines: list[str] = []
    closing = ""
    for line in body.split("\n"):
        line, closing = closing + line, ""
        for needle, before, after in email.wrap_lines:
            if needle in line:
                # The tag closes at the start of the next line, so the line break is inside.
                line, closing = before + line, after
                break
        lines.append(line)
    if closing:
        lines.append(closing)
    return one_line(subject), "\n".join(lines) + "\n"


def _merge_modes(review: str, automatic: str) -> str:
    """One text from the review-mode and automatic-mode versions: differences become an if."""
    if review == automatic:
        return review
    a, b = review.split("\n"), automatic.split("\n")
    merged: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            merged.extend(a[i1:i2])
            continue
        merged.append(
            '{% if agency.confirm_mode == "review" %}'
            + "\n".join(a[i1:i2])
            + "{% else %}"
            + "\n".join(b[j1:j2])
            + "{% endif %}"
        )
    return "\n".join(merged)
