from django.conf import settings
from django.http import HttpRequest

from . import services as agency_services


def site(request: HttpRequest) -> dict:
    return {
        "agency": agency_services.current(),
        "demo_mode": settings.DEMO_MODE,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
