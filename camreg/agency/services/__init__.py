"""Reading and changing the agency's configuration (program settings).

One module per capability; this package re-exports their public names, so callers write
`from camreg.agency import services` and `services.current()`:

- `agency`: the agency of this installation, read once per request (cached), and saved;
- `geometry`: boundary geometries: reading an uploaded GeoJSON file, summarizing it,
  counting points outside it;
- `boundary`: the jurisdiction boundary: point tests, map bounds, geocoding within the
  agency's states, replacing it;
- `configuration`: changing settings, audited;
- `profile`: the agency profile and its logo;
- `setup_agency`: creating the agency (manage.py setup_agency; the demo).

The modules import each other directly, never through this package.
"""

from .agency import (
    CACHE_KEY,
    CACHE_SECONDS,
    MAP_BOUNDS_KEY,
    AgencyNotSetUp,
    case_number_is_valid,
    current,
    current_or_none,
    update,
)
from .boundary import contains, geocode, map_bounds, points_outside, replace_boundary
from .configuration import LIMIT_FIELDS, PROFILE_FIELDS, change
from .geometry import (
    BOUNDARY_MAX_BYTES,
    COUNT_BATCH,
    BoundarySummary,
    boundary_shape,
    count_outside,
    parse_boundary,
    summarize,
)
from .profile import LOGO_MAX_BYTES, LOGO_MAX_PIXELS, LOGO_MAX_SIDE, reencode_logo, update_profile
from .setup_agency import SETUP_FIELDS, SETUP_REQUIRED, create, set_up

__all__ = [
    "BOUNDARY_MAX_BYTES",
    "CACHE_KEY",
    "CACHE_SECONDS",
    "COUNT_BATCH",
    "LIMIT_FIELDS",
    "LOGO_MAX_BYTES",
    "LOGO_MAX_PIXELS",
    "LOGO_MAX_SIDE",
    "MAP_BOUNDS_KEY",
    "PROFILE_FIELDS",
    "SETUP_FIELDS",
    "SETUP_REQUIRED",
    "AgencyNotSetUp",
    "BoundarySummary",
    "boundary_shape",
    "case_number_is_valid",
    "change",
    "contains",
    "count_outside",
    "create",
    "current",
    "current_or_none",
    "geocode",
    "map_bounds",
    "parse_boundary",
    "points_outside",
    "reencode_logo",
    "replace_boundary",
    "set_up",
    "summarize",
    "update",
    "update_profile",
]
