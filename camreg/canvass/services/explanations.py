"""Why a camera ranks where it does, in the words a deputy reads beside it."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from camreg.canvass.services.results import AWAY, FACES, TOWARD, CameraResult
from camreg.geo import shapes
from camreg.registry.models import RecordingMode
from camreg.registry.units import distance_label


def facing_of(assessment: shapes.Assessment) -> str:
    if assessment.faces:
        return FACES
    return TOWARD if assessment.toward else AWAY


def facing_phrase(result: CameraResult) -> str:
    """How the camera is aimed, in the words every page uses (the reason and the facts)."""
    if result.facing == FACES or (not result.facing and result.faces_scene):
        return _("faces the scene")
    if result.facing == TOWARD:
        return _("points toward the scene, but its %(range)s range does not reach it") % {
            "range": distance_label(result.range_m)
        }
    return _("does not face the scene")


class Phrases:
    """The words of one search's explanations, each translated once per search (a gettext
    call per camera cost more than everything else the ranking does): the same strings
    facing_phrase and the reasons give, in the language active when it was made."""

    def __init__(self) -> None:
        self.faces = _("faces the scene")
        self.toward = _("points toward the scene, but its %(range)s range does not reach it")
        self.away = _("does not face the scene")
        self.no_recordings = _("keeps no recordings")
        self.under_a_day = _("less than a day of video left")
        self.overwritten_today = _("video overwritten in the last day")
        self.at_the_scene = _("at the scene")
        self.in_the_area = _("in the area")
        self.away_by = _("%(distance)s away")
        self.motion = _("records on motion only")
        self.motion_note = _("Records on motion only: it may have missed part of the incident.")
        self._left: dict[int, str] = {}
        self._ago: dict[int, str] = {}

    def days_left(self, days: int) -> str:
        text = self._left.get(days)
        if text is None:
            left = ngettext("%(days)d day of video left", "%(days)d days of video left", days)
            text = self._left[days] = left % {"days": days}
        return text

    def overwritten(self, days: int) -> str:
        text = self._ago.get(days)
        if text is None:
            ago = ngettext(
                "video overwritten %(days)d day ago", "video overwritten %(days)d days ago", days
            )
            text = self._ago[days] = ago % {"days": days}
        return text


def _reason(
    result: CameraResult,
    assessment: shapes.Assessment,
    scene: shapes.Scene,
    remaining_days: float,
    words: Phrases | None = None,
) -> str:
    """Why the camera ranks where it does: "faces the scene, 12 days of video left, 160 ft away"."""
    words = words or Phrases()
    result.facing = facing = facing_of(assessment)
    if facing == FACES:
        facing = words.faces
    elif facing == TOWARD:
        facing = words.toward % {"range": distance_label(result.range_m)}
    else:
        facing = words.away

    if result.retention_days == 0:
        kept = words.no_recordings
    elif result.video_retained:
        days = result.days_left
        kept = words.days_left(days) if days >= 1 else words.under_a_day
    else:
        days = math.floor(-remaining_days)
        kept = words.overwritten(days) if days >= 1 else words.overwritten_today

    distance = result.distance_m
    if distance < 0.5:
        where = words.at_the_scene if isinstance(scene, shapes.CircleScene) else words.in_the_area
    else:
        where = words.away_by % {"distance": distance_label(distance)}

    if result.recording_mode == RecordingMode.MOTION:
        return f"{facing}, {kept}, {where}, {words.motion}"
    return f"{facing}, {kept}, {where}"
