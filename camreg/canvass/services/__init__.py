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
from camreg.canvass.services.cases import (
    CaseNumberInUse,
    close_case,
    create_case,
    find_case,
    open_cases,
    reopen_case,
    view_case,
)
from camreg.canvass.services.explanations import facing_phrase
from camreg.canvass.services.exports import record_output
from camreg.canvass.services.grouping import OwnerCameras, SiteCameras, by_owner
from camreg.canvass.services.params import SearchParams
from camreg.canvass.services.results import CameraResult, SearchResult
from camreg.canvass.services.search import search
from camreg.canvass.services.searches import CaseSearchEntry, add_search, searches_of

__all__ = [
    "CameraResult",
    "CanvassError",
    "CanvassLimits",
    "CaseNumberInUse",
    "CaseSearchEntry",
    "InvalidSearch",
    "LimitExceeded",
    "OwnerCameras",
    "SearchParams",
    "SearchResult",
    "SiteCameras",
    "Violation",
    "add_search",
    "by_owner",
    "close_case",
    "create_case",
    "facing_phrase",
    "find_case",
    "open_cases",
    "record_output",
    "reopen_case",
    "search",
    "searches_of",
    "view_case",
]
