"""Checking and rendering an email text: allowed tags, strict variables, the shipped layouts."""

from __future__ import annotations

import re
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError, engines
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

from camreg.outreach.text import one_line, tidy_text

from .catalogue import kind, sample_context

SUBJECT_MAX_LENGTH = 300
BODY_MAX_LENGTH = 20_000

# Block tags an email text may use. Everything else (include, extends, load, debug, block,
# csrf_token, ...) is refused: a text is wording, not a way to reach other templates.
ALLOWED_TAGS = frozenset(
    {
        "if",
        "elif",
        "else",
        "endif",
        "for",
        "empty",
        "endfor",
        "with",
        "endwith",
        "firstof",
        "now",
        "url",
        "comment",
        "endcomment",
        "spaceless",
        "endspaceless",
        "filter",
        "endfilter",
        "cycle",
        "widthratio",
        "templatetag",
        "verbatim",
        "endverbatim",
    }
)
ALLOWED_TAG_NAMES = ("if", "for", "with", "firstof", "now", "url", "comment", "filter")
# What a variable that does not exist renders as while checking a text.
_INVALID = "\x1b[invalid:%s]\x1b"
_INVALID_RE = re.compile(r"\x1b\[invalid:(.*?)\]\x1b")

_engine = Engine(autoescape=False)
_strict_engine = Engine(autoescape=False, string_if_invalid=_INVALID)


class EmailTextError(ValueError):
    """A text that cannot be used; `field` is "subject" or "body_text"."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def check_syntax(source: str, field_name: str) -> None:
    """Raise EmailTextError unless `source` is a template using only the allowed tags."""
    try:
        tokens = Lexer(source).tokenize()
    except TemplateSyntaxError as exc:
        raise EmailTextError(field_name, f"The template has a syntax error: {exc}") from exc
    for token in tokens:
        if token.token_type != TokenType.BLOCK:
            continue
        command = token.contents.split()[0] if token.contents.split() else ""
        if command not in ALLOWED_TAGS:
            raise EmailTextError(
                field_name,
                f"The tag {{% {command} %}} (line {token.lineno}) is not allowed in email "
                f"texts. You can use: {', '.join(ALLOWED_TAG_NAMES)}.",
            )
    try:
        _engine.from_string(source)
    except TemplateSyntaxError as exc:
        raise EmailTextError(field_name, f"The template has a syntax error: {exc}") from exc


def _render_source(source: str, context: dict[str, Any], field_name: str, strict: bool) -> str:
    check_syntax(source, field_name)
    engine = _strict_engine if strict else _engine
    try:
        rendered = engine.from_string(source).render(Context(context, autoescape=False))
    except Exception as exc:  # noqa: BLE001 - any failure is the text's fault
        raise EmailTextError(
            field_name, f"The template could not be rendered: {type(exc).__name__}: {exc}"
        ) from exc
    if strict:
        unknown = sorted(set(_INVALID_RE.findall(rendered)))
        if unknown:
            raise EmailTextError(
                field_name,
                "The template uses "
                + ", ".join("{{ " + name + " }}" for name in unknown)
                + ", which this email does not have. See the list of variables.",
            )
    return rendered


def render(
    subject: str,
    body_text: str,
    context: dict[str, Any],
    *,
    language: str,
    strict: bool = False,
) -> dict[str, str]:
    """Subject, text and HTML body of an email text (as outreach.services.render_email).

    `context` is the complete context (agency and site_url included). With `strict`,
    variables the context lacks are an error instead of rendering as nothing.
    """
    with translation.override(language):
        rendered_subject = _render_source(subject, context, "subject", strict)
        content = _render_source(body_text, context, "body_text", strict)
        content = tidy_text(content).rstrip("\n")
        subject_line = one_line(rendered_subject)[:SUBJECT_MAX_LENGTH]
        if strict and not subject_line:
            raise EmailTextError("subject", "The subject is empty once rendered.")
        if strict and not content.strip():
            raise EmailTextError("body_text", "The text is empty once rendered.")
        project = engines["django"]
        text = project.from_string(
            '{% extends "outreach/email/base.txt" %}{% block content %}{{ content }}{% endblock %}'
        ).render({**context, "content": content})
        html = project.from_string(
            '{% extends "outreach/email/base.html" %}'
            "{% block title %}{{ subject }}{% endblock %}"
            "{% block content %}{{ content_html }}{% endblock %}"
        ).render({**context, "subject": subject_line, "content_html": content_html(content)})
    return {
        "subject": subject_line,
        "body_text": tidy_text(text),
        "body_html": html.strip() + "\n",
    }


def content_html(text: str) -> str:
    """The text as HTML paragraphs with links: escaped, then line breaks and URLs."""
    escaped = urlize(text, autoescape=True)  # escapes everything but the links it makes
    return mark_safe(linebreaks(escaped, autoescape=False))  # noqa: S308  # nosec B308 B703


def validate(key: str, language: str, subject: str, body_text: str) -> dict[str, str]:
    """Check an email text against the sample context; the rendered email, or EmailTextError."""
    kind(key)
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise EmailTextError("subject", f"The subject is longer than {SUBJECT_MAX_LENGTH}.")
    if len(body_text) > BODY_MAX_LENGTH:
        raise EmailTextError("body_text", f"The text is longer than {BODY_MAX_LENGTH}.")
    return render(subject, body_text, sample_context(key), language=language, strict=True)
