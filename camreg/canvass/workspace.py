"""The case page as a workspace: what apps above canvass add to it through
`signals.case_workspace` (decision 0021).

Canvass renders each CaseSection's template where the page lists the case's work, and puts
each CameraMark beside its camera in the search results, without knowing what they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from camreg.canvass import signals
from camreg.canvass.models import Case


@dataclass(frozen=True)
class CameraMark:
    """A note beside one camera of the results, such as "Asked Nov 20: no footage"."""

    text: str
    url: str = ""
    # Asking this camera's owner again needs care (they answered, or a request is open).
    warn: bool = False


@dataclass
class CaseSection:
    """A part of the case page that another app fills: `template` rendered with `context`
    under a heading `title` (with the id `anchor`); `camera_marks` by camera id."""

    title: str
    anchor: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    camera_marks: dict[int, list[CameraMark]] = field(default_factory=dict)
    # Static files (paths for {% static %}) the section's template needs on the page.
    stylesheets: tuple[str, ...] = ()


def sections(case: Case, *, actor, request=None, camera_ids=()) -> list[CaseSection]:
    """What the apps above canvass show on this case's page, in their order."""
    replies = signals.case_workspace.send(
        sender=Case, case=case, actor=actor, request=request, camera_ids=list(camera_ids)
    )
    found = [reply for _receiver, reply in replies if isinstance(reply, CaseSection)]
    return sorted(found, key=lambda s: (s.order, s.anchor))


def camera_marks(found: list[CaseSection]) -> dict[int, list[CameraMark]]:
    marks: dict[int, list[CameraMark]] = {}
    for section in found:
        for camera_id, items in section.camera_marks.items():
            marks.setdefault(camera_id, []).extend(items)
    return marks
