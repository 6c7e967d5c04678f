from django import template

from camreg.registry.models import Coverage
from camreg.web import phones

register = template.Library()

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as people write it: (661) 555-0123 (camreg.web.phones; pages
    with a link use `{% load phones %}{{ number|phone }}`)."""
    return phones.national(value) if value else ""


@register.filter
def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@register.filter
def compass(degrees) -> str:
    """90 -> 'E'; the nearest of eight compass points."""
    try:
        index = round(int(degrees) / 45) % 8
    except (TypeError, ValueError):
        return ""
    return ("N", "NE", "E", "SE", "S", "SW", "W", "NW")[index]


@register.filter
def coverage_labels(values) -> str:
    """['street', 'parking_lot'] -> 'Street, Parking lot'."""
    labels = dict(Coverage.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])
