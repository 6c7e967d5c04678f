"""Input rules for registrant data, shared by forms and services."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from camreg.web import phones


def normalize_us_phone(value: str) -> str:
    """Parse a US phone number; return it in E.164 form or raise ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 40:
        raise ValidationError(_("Enter a US phone number with area code, like (661) 555-0123."))
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a US phone number with area code, like (661) 555-0123.")
        ) from exc
    if not phonenumbers.is_valid_number(number) or number.country_code != 1:
        raise ValidationError(_("Enter a US phone number with area code, like (661) 555-0123."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored number as people write it, (661) 555-0123: camreg.web.phones, the one format."""
    return phones.national(e164)
