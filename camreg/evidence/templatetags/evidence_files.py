"""Small formats of the evidence pages: `{% load evidence_files %}`."""

from __future__ import annotations

from django import template

register = template.Library()


def _duration(seconds: int) -> str:
    hours, rest = divmod(abs(int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


@register.filter
def clock_offset(seconds) -> str:
    """The camera clock's offset (camera minus real time) in words."""
    if seconds is None or seconds == "":
        return "Not known"
    seconds = int(seconds)
    if seconds == 0:
        return "The camera clock was right"
    side = "ahead of" if seconds > 0 else "behind"
    return f"The camera clock was {_duration(seconds)} {side} real time"


@register.filter
def media_length(seconds) -> str:
    if seconds is None or seconds == "":
        return "—"
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    return _duration(round(seconds))


@register.filter
def received_how(submission) -> str:
    if submission.source == "staff":
        who = submission.received_by_name or "a staff member"
        text = f"In person by {who}"
        if submission.received_from:
            text += f", from {submission.received_from}"
        return text
    return "Uploaded by the owner through the request link"
