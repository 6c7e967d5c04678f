"""Phone numbers as people read and dial them: the one place that formats a number.

Numbers are stored in E.164 (`+16615550374`). Pages, emails, contact sheets and exports show
the US national format, `(661) 555-0374`; links dial the E.164 form (`tel:+16615550374`).
Templates use the `phone` filter of `{% load phones %}`; Python code calls `national`.
"""

from __future__ import annotations

import phonenumbers

_REGION = "US"


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def national(value: str) -> str:
    """`+16615550374` -> `(661) 555-0374`; a number from another country in international
    form; text that is not a number as it is."""
    number = _parse(value)
    if number is None:
        return (value or "").strip()
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def e164(value: str) -> str:
    """The number for a `tel:` link (`+16615550374`), or "" when it is not a number."""
    number = _parse(value)
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
