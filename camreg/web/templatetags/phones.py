"""`{{ number|phone }}`: a phone number as a link people can tap, `(661) 555-0374` dialling
`tel:+16615550374`; `{{ number|phone:"text" }}` the same number without the link (plain-text
emails, printed sheets). Formatting lives in camreg/web/phones.py."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from camreg.web import phones

register = template.Library()


@register.filter
def phone(value, style: str = "link"):
    if not value:
        return ""
    shown = phones.national(str(value))
    if style == "text":
        return shown
    dial = phones.e164(str(value))
    if not dial:
        return shown
    return format_html('<a href="tel:{}" class="phone-link">{}</a>', dial, shown)
