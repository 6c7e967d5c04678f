"""Template filters for the units people use: {{ camera.direction|compass }} gives "E (90°)",
{{ camera.range_m|feet }} gives the range in feet, {{ meters|distance }} "130 ft" or "0.4 mi"."""

from django import template

from camreg.registry import units

register = template.Library()


@register.filter
def compass(degrees):
    return units.compass_label(degrees)


@register.filter
def feet(meters):
    return units.meters_to_feet(meters)


@register.filter
def distance(meters):
    return units.distance_label(meters)
