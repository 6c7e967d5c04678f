"""The OpenAPI document as served: the agency's limits declared, examples for every error.

`schemas.py` marks each field an agency limit applies to with `x-agency-limit`; here the
marker becomes the limit itself (a `pattern`, a `minimum`, a `maximum`, an `enum`), read
from the agency's settings each time the document is built (the defaults of
`CanvassLimits` before an agency exists). The same limits are enforced by
`camreg.canvass.services`; this module only declares them, so that a request the schema
allows is never refused for breaking one.

A new case (`CaseIn`) is declared as two alternatives: within the limits, or beyond them
with an `override_reason`, which only a supervisor's token may give (403 otherwise).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from django.db import DatabaseError

from camreg.agency import services as agency_services
from camreg.canvass.limits import CanvassLimits

from . import schemas

logger = logging.getLogger(__name__)

MARKER = "x-agency-limit"


def current_limits() -> tuple[CanvassLimits, list[list[float]] | None]:
    """The agency's limits and the bounding box of its boundary ([[south, west], [north,
    east]]); the defaults and no box while there is no agency (or no database yet)."""
    try:
        agency = agency_services.current_or_none()
        if agency is None:
            return CanvassLimits(), None
        return CanvassLimits.from_agency(agency), agency_services.map_bounds()
    except (DatabaseError, RuntimeError):  # RuntimeError: no database access (tests)
        return CanvassLimits(), None


def declare_limits(document: dict, limits: CanvassLimits, bounds=None) -> dict:
    """`document` with every `x-agency-limit` marker replaced by the limit it names."""
    _walk(document, limits, bounds)
    components = document.get("components", {}).get("schemas", {})
    if "CaseIn" in components:
        _case_alternatives(components, limits)
    _add_examples(document, limits)
    return document


def _walk(node: Any, limits: CanvassLimits, bounds) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, limits, bounds)
        return
    if not isinstance(node, dict):
        return
    name = node.pop(MARKER, None)
    if name is not None:
        _apply(node, name, limits, bounds)
    for value in node.values():
        _walk(value, limits, bounds)


def _apply(node: dict, name: str, limits: CanvassLimits, bounds) -> None:
    if name == "case_number":
        node["pattern"] = limits.case_number_pattern or schemas.VISIBLE_PATTERN
        if limits.case_number_example:
            node["examples"] = [limits.case_number_example]
    elif name == "max_radius_m":
        if limits.max_radius_m is not None:
            node["maximum"] = min(limits.max_radius_m, schemas.MAX_RADIUS_M)
            node.pop("exclusiveMaximum", None)
    elif name == "window_minutes":
        if limits.min_window_minutes is not None:
            node["minimum"] = max(1, limits.min_window_minutes)
        if limits.max_window_minutes is not None:
            node["maximum"] = min(limits.max_window_minutes, schemas.MAX_WINDOW_MINUTES)
    elif name == "purpose_statement":
        if limits.require_purpose_statement:
            node["enum"] = [True]
    elif name in ("latitude", "longitude") and bounds:
        (south, west), (north, east) = bounds
        low, high = (south, north) if name == "latitude" else (west, east)
        node["minimum"], node["maximum"] = low, high


def _case_alternatives(components: dict, limits: CanvassLimits) -> None:
    """CaseIn: within the limits (`CaseWithinLimits`), or beyond them with a written
    reason (`CaseWithOverride`, within the API's hard bounds only)."""
    within = copy.deepcopy(components["CaseIn"])
    within["title"] = "CaseWithinLimits"
    within["description"] = "A case within the agency's limits."
    beyond = copy.deepcopy(within)
    beyond["title"] = "CaseWithOverride"
    beyond["description"] = (
        "A case beyond the agency's radius or time limits: a supervisor's token, with the "
        "written reason in `override_reason`."
    )
    properties = beyond["properties"]
    properties["radius_m"]["maximum"] = schemas.MAX_RADIUS_M
    properties["minutes"]["minimum"] = 1
    properties["minutes"]["maximum"] = schemas.MAX_WINDOW_MINUTES
    properties["override_reason"].update(minLength=1, pattern=schemas.VISIBLE_PATTERN)
    beyond["required"] = sorted({*beyond.get("required", []), "override_reason"})
    components["CaseWithinLimits"] = within
    components["CaseWithOverride"] = beyond
    components["CaseIn"] = {
        "title": "CaseIn",
        "description": within.get("description", ""),
        "anyOf": [
            {"$ref": "#/components/schemas/CaseWithinLimits"},
            {"$ref": "#/components/schemas/CaseWithOverride"},
        ],
    }
    components["CaseIn"]["description"] = (
        "A new case: within the agency's limits, or beyond them with a supervisor's reason."
    )


# Examples --------------------------------------------------------------------------------

EXAMPLES: dict[str, dict[str, dict]] = {
    "401": {
        "unauthorized": {
            "code": "unauthorized",
            "message": "Send a valid API token: Authorization: Bearer <token>.",
        }
    },
    "403": {
        "forbidden": {"code": "forbidden", "message": "Your roles do not allow this."},
    },
    "404": {
        "not_found": {"code": "not_found", "message": "There is nothing here."},
    },
    "422": {
        "invalid_request": {
            "code": "invalid_request",
            "message": "Check radius_m: the request is not valid.",
            "errors": [
                {
                    "loc": ["query", "radius_m"],
                    "msg": "Input should be greater than 0",
                    "type": "greater_than",
                }
            ],
        },
        "outside_jurisdiction": {
            "code": "outside_jurisdiction",
            "message": "This point is outside the agency's jurisdiction.",
        },
    },
}

OPERATION_EXAMPLES: dict[tuple[str, str], dict[str, dict[str, dict]]] = {
    ("post", "/cases"): {
        "403": {
            "override_not_allowed": {
                "code": "override_not_allowed",
                "message": "Only a supervisor can exceed a limit.",
            }
        },
        "409": {
            "case_number_in_use": {
                "code": "case_number_in_use",
                "message": "Case KC2026-001234 already exists. Open it, or add this search to it.",
                "case_id": 42,
            }
        },
        "422": {
            "radius_too_large": {
                "code": "radius_too_large",
                "message": "The search radius is 700 m; the limit is 640 m. Make the circle "
                "smaller. A supervisor may exceed this limit with a written reason.",
                "limit": 640,
                "value": 700,
                "overridable": True,
                "violations": [],
            }
        },
    },
    ("post", "/footage-requests"): {
        "404": {
            "case_not_found": {
                "code": "case_not_found",
                "message": "There is no case with this id.",
            },
            "cameras_not_found": {
                "code": "cameras_not_found",
                "message": "None of the selected cameras is registered.",
            },
        },
        "409": {
            "already_asked": {
                "code": "already_asked",
                "message": "Already asked on this case: Fay Facing. Check their earlier answers, "
                "and confirm that you want to ask again.",
            },
            "no_active_cameras": {
                "code": "no_active_cameras",
                "message": "None of the selected cameras belongs to an active registration.",
            },
        },
    },
}


def _add_examples(document: dict, limits: CanvassLimits) -> None:
    prefix = _common_prefix(document.get("paths", {}))
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            specific = OPERATION_EXAMPLES.get((method, path[len(prefix) :]), {})
            for status, answer in operation.get("responses", {}).items():
                key = str(status)
                examples = {**EXAMPLES.get(key, {}), **specific.get(key, {})}
                content = answer.get("content", {}).get("application/json")
                if not examples or content is None:
                    continue
                content["examples"] = {
                    name: {"summary": name, "value": value} for name, value in examples.items()
                }


def _common_prefix(paths: dict) -> str:
    for path in paths:
        if path.startswith("/api/v1"):
            return "/api/v1"
    return ""
