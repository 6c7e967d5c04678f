"""Footage requests: every rule about them lives here.

The console, the API and the scheduled tasks call these functions; nothing else writes a
request. Every change and every read of a request by staff is in the audit log, with the
case number. Registrants answer through a private link (only its SHA-256 hash is stored)
that works for that request only, until it is answered or the link expires.

One module per capability; callers import this package (`from camreg.footage import
services`) and use the names re-exported here. The modules import each other directly.
"""

from camreg.footage.services.calls import Script, channel_for, log_call, script
from camreg.footage.services.common import (
    NOTE_MAX_LENGTH,
    FootageError,
    LinkExpired,
    LinkInvalid,
)
from camreg.footage.services.followup import (
    close,
    footage_arrived,
    log_contact,
    mark_footage_received,
)
from camreg.footage.services.forgetting import forget_registrant
from camreg.footage.services.home import DeputyWork, work_of
from camreg.footage.services.links import answer, open_link, open_upload_link
from camreg.footage.services.planning import OwnerGroup, Plan, plan_requests
from camreg.footage.services.reading import days_left, get_request, list_requests
from camreg.footage.services.renewal import can_renew, extend, resend
from camreg.footage.services.requests import MESSAGE_MAX_LENGTH, create_requests
from camreg.footage.services.scheduled import expire_links, send_reminders
from camreg.footage.services.workspace import RequestRow, case_section, request_row, task_of

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "DeputyWork",
    "FootageError",
    "LinkExpired",
    "LinkInvalid",
    "OwnerGroup",
    "Plan",
    "RequestRow",
    "Script",
    "answer",
    "can_renew",
    "case_section",
    "channel_for",
    "close",
    "create_requests",
    "days_left",
    "expire_links",
    "extend",
    "footage_arrived",
    "forget_registrant",
    "get_request",
    "list_requests",
    "log_call",
    "log_contact",
    "mark_footage_received",
    "open_link",
    "open_upload_link",
    "plan_requests",
    "request_row",
    "resend",
    "script",
    "send_reminders",
    "task_of",
    "work_of",
]
