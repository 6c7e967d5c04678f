"""The agency's own email texts: templates staff edit in program settings.

An override (outreach.models.EmailText) replaces the shipped subject and text body of one
email in one language. Both are Django templates rendered with the same context as the
shipped template; only a few harmless tags are allowed (no include, extends or load).
The text is placed in the shipped layouts: the text part gets the usual footer with the
agency's contact details, the HTML part is the text with line breaks and links inside the
shipped HTML layout. Deleting the override restores the shipped text.

Callers use this package as one module (`email_texts.save(...)`); its parts:

- catalogue: the emails (EMAILS), their variables and sample values;
- rendering: checking a text (allowed tags, known variables) and rendering it;
- store: the texts in the database (cached for the outbox), saved and restored, audited;
- defaults: the shipped text as an editable template.
"""

from .catalogue import (
    COMMON_VARIABLES,
    EMAILS,
    SAMPLE_NAME,
    EmailKind,
    kind,
    languages,
    sample_context,
)
from .defaults import default_source
from .rendering import (
    ALLOWED_TAG_NAMES,
    ALLOWED_TAGS,
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    EmailTextError,
    check_syntax,
    content_html,
    render,
    validate,
)
from .store import (
    OVERRIDES_CACHE_KEY,
    OVERRIDES_CACHE_SECONDS,
    override_for,
    restore_default,
    save,
)

__all__ = [
    "ALLOWED_TAGS",
    "ALLOWED_TAG_NAMES",
    "BODY_MAX_LENGTH",
    "COMMON_VARIABLES",
    "EMAILS",
    "OVERRIDES_CACHE_KEY",
    "OVERRIDES_CACHE_SECONDS",
    "SAMPLE_NAME",
    "SUBJECT_MAX_LENGTH",
    "EmailKind",
    "EmailTextError",
    "check_syntax",
    "content_html",
    "default_source",
    "kind",
    "languages",
    "override_for",
    "render",
    "restore_default",
    "sample_context",
    "save",
    "validate",
]
