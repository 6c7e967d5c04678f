"""Template tags for the agency: `{% load agency_tags %}`."""

import json

from django import template
from django.utils import translation

from camreg.agency import services as agency_services

register = template.Library()


@register.simple_tag
def agency_map_bounds() -> str:
    """The jurisdiction's bounds as JSON, [[south, west], [north, east]], for a map's
    `data-bounds` attribute (Leaflet's fitBounds takes it as it is)."""
    return json.dumps(agency_services.map_bounds())


@register.simple_tag
def agency_name() -> str:
    """The agency's name in the active language."""
    return agency_services.current().name_in(translation.get_language() or "en")
