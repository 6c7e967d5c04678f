"""Cases and canvass searches: every rule about them lives here.

The console, the API and commands call `create_case` and `search`; nothing else reads the
registry for a canvass. Every search, refused or not, is in the audit log.

One module per capability; callers import this package (`from camreg.canvass import
services`) and use the names re-exported here. The modules import each other directly.
"""

from camreg.canvass.limits import (
    CanvassError,
    CanvassLimits,
    InvalidSearch,
    LimitExceeded,
    Violation,
)
from camreg.canvass.services.cases import create_case, view_case
from camreg.canvass.services.exports import record_output
from camreg.canvass.services.params import SearchParams
from camreg.canvass.services.results import CameraResult, SearchResult
from camreg.canvass.services.search import search

__all__ = [
    "CameraResult",
    "CanvassError",
    "CanvassLimits",
    "InvalidSearch",
    "LimitExceeded",
    "SearchParams",
    "SearchResult",
    "Violation",
    "create_case",
    "record_output",
    "search",
    "view_case",
]
