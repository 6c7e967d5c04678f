"""Why a camera ranks where it does, in the words a deputy reads beside it."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from camreg.canvass.services.results import AWAY, FACES, TOWARD, CameraResult
from camreg.geo import shapes
from camreg.registry.models import RecordingMode


def facing_of(assessment: shapes.Assessment) -> str:
    if assessment.faces:
        return FACES
    return TOWARD if assessment.toward else AWAY


def facing_phrase(result: CameraResult) -> str:
    """How the camera is aimed, in the words every page uses (the reason and the facts)."""
    if result.facing == FACES or (not result.facing and result.faces_scene):
        return _("faces the scene")
    if result.facing == TOWARD:
        return _("points toward the scene, but its %(range)s m range does not reach it") % {
            "range": result.range_m
        }
    return _("does not face the scene")


def _reason(
    result: CameraResult, assessment: shapes.Assessment, scene: shapes.Scene, remaining_days: float
) -> str:
    """Why the camera ranks where it does: "faces the scene, 12 days of video left, 48 m away"."""
    result.facing = facing_of(assessment)
    facing = facing_phrase(result)

    if result.retention_days == 0:
        kept = _("keeps no recordings")
    elif result.video_retained:
        days = result.days_left
        if days >= 1:
            left = ngettext("%(days)d day of video left", "%(days)d days of video left", days)
            kept = left % {"days": days}
        else:
            kept = _("less than a day of video left")
    else:
        days = math.floor(-remaining_days)
        if days >= 1:
            ago = ngettext(
                "video overwritten %(days)d day ago", "video overwritten %(days)d days ago", days
            )
            kept = ago % {"days": days}
        else:
            kept = _("video overwritten in the last day")

    distance = result.distance_m
    if distance < 0.5:
        where = _("at the scene") if isinstance(scene, shapes.CircleScene) else _("in the area")
    elif distance < 1000:
        where = _("%(metres)d m away") % {"metres": round(distance)}
    else:
        where = _("%(km).1f km away") % {"km": distance / 1000}

    if result.recording_mode == RecordingMode.MOTION:
        motion = _("records on motion only")
        return f"{facing}, {kept}, {where}, {motion}"
    return f"{facing}, {kept}, {where}"
