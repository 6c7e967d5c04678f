"""The agency's own email texts: templates staff edit in program settings.

An override (outreach.models.EmailText) replaces the shipped subject and text body of one
email in one language. Both are Django templates rendered with the same context as the
shipped template; only a few harmless tags are allowed (no include, extends or load).
The text is placed in the shipped layouts: the text part gets the usual footer with the
agency's contact details, the HTML part is the text with line breaks and links inside the
shipped HTML layout. Deleting the override restores the shipped text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.template.base import Lexer, TokenType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

from camreg import caching

from .models import EmailText

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


# The emails and their context -------------------------------------------------------

COMMON_VARIABLES = (
    ("agency.name", "The agency's name"),
    ("agency.short_name", "The agency's short name"),
    ("agency.program_name", "The program's name"),
    ("agency.contact_email", "The program's contact email address"),
    ("agency.contact_phone", "The program's contact phone number"),
    ("agency.website", "The agency's website"),
    ("agency.jurisdiction_name", "The area the agency serves"),
    ("site_url", "The public address of this site, without a trailing slash"),
)
SAMPLE_NAME = "Ana Ruiz"


def _sample_link(path: str) -> str:
    return settings.SITE_URL + path


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: str
    sent_when: str
    # (name, description) of the variables this email's context has, besides the common ones.
    variables: tuple[tuple[str, str], ...]
    # Stand-ins for a default text: variable name -> placeholder value.
    placeholders: dict[str, Any] = field(default_factory=dict)
    # Lines containing one of these are wrapped in the given tags in a default text.
    wrap_lines: tuple[tuple[str, str, str], ...] = ()

    def sample(self) -> dict[str, Any]:
        """Sample values for previews and checks."""
        values: dict[str, Any] = {"name": SAMPLE_NAME}
        if self.key == "verify_email":
            values.update(
                link=_sample_link("/verify/sample-link-0123456789/"),
                hours=settings.VERIFICATION_LINK_HOURS,
            )
        elif self.key == "manage_link":
            values.update(
                link=_sample_link("/manage/link/sample-link-0123456789/"),
                minutes=settings.MAGIC_LINK_MINUTES,
            )
        elif self.key == "registration_confirmed":
            values.update(
                manage_url=settings.SITE_URL + reverse("registry:manage-request"),
                sites=[
                    {"address_line": "1200 Truxtun Ave, Bakersfield, CA 93301"},
                    {"address_line": "2400 Ming Ave, Bakersfield, CA 93304"},
                ],
                camera_count=3,
            )
        elif self.key == "registration_rejected":
            values.update(reason="The address is outside the area we serve.")
        return values


class _Count(int):
    """A number that prints as its variable (plural forms still pick "many")."""

    def __new__(cls, name: str):
        number = super().__new__(cls, 2)
        number.name = name  # type: ignore[attr-defined]
        return number

    def __str__(self) -> str:
        return "{{ " + self.name + " }}"  # type: ignore[attr-defined]

    __repr__ = __str__


class _Object:
    """An object whose attributes print as `{{ prefix.attribute }}`."""

    def __init__(self, prefix: str, **real: Any):
        self._prefix = prefix
        self.__dict__.update(real)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return "{{ " + f"{self._prefix}.{name}" + " }}"


NAME = ("name", "The registrant's name (empty for some registrations)")
EMAILS: dict[str, EmailKind] = {
    kind.key: kind
    for kind in (
        EmailKind(
            "verify_email",
            "Verify the email address",
            "Right after someone registers: the link that confirms their email address.",
            (
                NAME,
                ("link", "The verification link (single use)"),
                ("hours", "How many hours the link works"),
            ),
            placeholders={"link": "{{ link }}", "hours": _Count("hours")},
        ),
        EmailKind(
            "registration_received",
            "Registration received",
            "After the email address is verified, while the registration waits for review.",
            (NAME,),
        ),
        EmailKind(
            "registration_confirmed",
            "Registration confirmed",
            "When the agency confirms a registration (or at once in automatic mode).",
            (
                NAME,
                ("manage_url", "The page where the registrant asks for a link to manage"),
                ("sites", "The registered places; each has site.address_line (use a for loop)"),
                ("camera_count", "How many cameras are registered in total"),
            ),
            placeholders={
                "manage_url": "{{ manage_url }}",
                "sites": [_Object("site")],
                "camera_count": _Count("camera_count"),
            },
            wrap_lines=(("{{ site.address_line }}", "{% for site in sites %}", "{% endfor %}"),),
        ),
        EmailKind(
            "manage_link",
            "Link to manage a registration",
            "When a registrant asks for a link to change their registration or leave.",
            (
                NAME,
                ("link", "The management link (single use)"),
                ("minutes", "How many minutes the link works"),
            ),
            placeholders={"link": "{{ link }}", "minutes": _Count("minutes")},
        ),
        EmailKind(
            "goodbye",
            "Left the program",
            "When a registrant leaves the program (erased from the outbox once sent).",
            (NAME,),
        ),
        EmailKind(
            "registration_rejected",
            "Registration not accepted",
            "When the agency rejects a registration and chooses to tell the registrant.",
            (NAME, ("reason", "The reason staff gave (may be empty)")),
            placeholders={"reason": "{{ reason }}"},
            wrap_lines=(("{{ reason }}", "{% if reason %}", "{% endif %}"),),
        ),
    )
}


def languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def kind(key: str) -> EmailKind:
    try:
        return EMAILS[key]
    except KeyError:
        raise LookupError(f"unknown email {key!r}") from None


def _full_context(context: dict[str, Any]) -> dict[str, Any]:
    from camreg.agency import services as agency_services

    return {**context, "agency": agency_services.current(), "site_url": settings.SITE_URL}


def sample_context(key: str) -> dict[str, Any]:
    """The complete context (with agency and site_url) filled with sample values."""
    return _full_context(kind(key).sample())


# Checking and rendering ----------------------------------------------------------------


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
    from .services import _tidy_text

    with translation.override(language):
        rendered_subject = _render_source(subject, context, "subject", strict)
        content = _render_source(body_text, context, "body_text", strict)
        content = _tidy_text(content).rstrip("\n")
        subject_line = " ".join(rendered_subject.split())[:SUBJECT_MAX_LENGTH]
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
        "body_text": _tidy_text(text),
        "body_html": html.strip() + "\n",
    }


def content_html(text: str) -> str:
    """The text as HTML paragraphs with links: escaped, then line breaks and URLs."""
    escaped = urlize(text, autoescape=True)  # escapes everything but the links it makes
    return mark_safe(linebreaks(escaped, autoescape=False))  # noqa: S308  # nosec B308 B703


OVERRIDES_CACHE_KEY = "outreach:email-texts:v1"
OVERRIDES_CACHE_SECONDS = 300


def override_for(template: str, language: str) -> EmailText | None:
    """The agency's own text for this email and language, if it has one (cached)."""
    return caching.shared(OVERRIDES_CACHE_KEY, _load_overrides, OVERRIDES_CACHE_SECONDS).get(
        (template, language)
    )


def _load_overrides() -> dict[tuple[str, str], EmailText]:
    return {(text.template, text.language): text for text in EmailText.objects.all()}


def validate(key: str, language: str, subject: str, body_text: str) -> dict[str, str]:
    """Check an email text against the sample context; the rendered email, or EmailTextError."""
    kind(key)
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise EmailTextError("subject", f"The subject is longer than {SUBJECT_MAX_LENGTH}.")
    if len(body_text) > BODY_MAX_LENGTH:
        raise EmailTextError("body_text", f"The text is longer than {BODY_MAX_LENGTH}.")
    return render(subject, body_text, sample_context(key), language=language, strict=True)


# Changing texts ------------------------------------------------------------------------


def save(
    key: str, language: str, subject: str, body_text: str, *, request=None, actor=None
) -> EmailText:
    """Store the agency's text for one email and language (after checking it), audited."""
    from camreg.audit import services as audit

    if language not in dict(settings.LANGUAGES):
        raise LookupError(f"unknown language {language!r}")
    validate(key, language, subject, body_text)
    user = actor or (getattr(request, "user", None) if request is not None else None)
    with transaction.atomic():
        text = EmailText.objects.select_for_update().filter(template=key, language=language).first()
        created = text is None
        if text is None:
            text = EmailText(template=key, language=language)
        changed = [
            name
            for name, value in (("subject", subject), ("body_text", body_text))
            if getattr(text, name) != value
        ]
        if not created and not changed:
            return text
        text.subject, text.body_text = subject, body_text
        text.updated_by = user if getattr(user, "is_authenticated", False) else None
        text.save()
        caching.forget(OVERRIDES_CACHE_KEY)
        audit.record(
            "email_text.updated",
            actor=actor,
            request=request,
            target_type="outreach.emailtext",
            target_id=f"{key}:{language}",
            details={
                "template": key,
                "language": language,
                "created": created,
                "changed": changed if not created else ["subject", "body_text"],
            },
        )
    return text


def restore_default(key: str, language: str, *, request=None, actor=None) -> bool:
    """Delete the agency's text so the shipped one is used again; whether there was one."""
    from camreg.audit import services as audit

    kind(key)
    with transaction.atomic():
        deleted, _detail = EmailText.objects.filter(template=key, language=language).delete()
        caching.forget(OVERRIDES_CACHE_KEY)
        if deleted:
            audit.record(
                "email_text.restored",
                actor=actor,
                request=request,
                target_type="outreach.emailtext",
                target_id=f"{key}:{language}",
                details={"template": key, "language": language},
            )
    return bool(deleted)


# The shipped text as a starting point --------------------------------------------------


def _placeholder_context(email: EmailKind, confirm_mode: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "name": "{{ name }}",
        "site_url": "{{ site_url }}",
        "agency": _Object("agency", confirm_mode=confirm_mode),
    }
    context.update(email.placeholders)
    return context


def _shipped_with_placeholders(key: str, language: str, confirm_mode: str) -> tuple[str, str]:
    from .services import TEMPLATE_DIR, _tidy_text

    email = kind(key)
    context = _placeholder_context(email, confirm_mode)
    with translation.override(language):
        subject = render_to_string(f"{TEMPLATE_DIR}/{key}.subject.txt", context)
        body = render_to_string(f"{TEMPLATE_DIR}/{key}.txt", context)
    body = _tidy_text(body)
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
    return " ".join(subject.split()), "\n".join(lines) + "\n"


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


def default_source(key: str, language: str) -> tuple[str, str]:
    """The shipped subject and text of an email as an editable template (a starting point)."""
    subject_r, body_r = _shipped_with_placeholders(key, language, "review")
    subject_a, body_a = _shipped_with_placeholders(key, language, "automatic")
    return _merge_modes(subject_r, subject_a), _merge_modes(body_r, body_a)
