"""Plain-language names of every audit action, in the reader's language.

The audit log stores short internal names (`footage.request_form_viewed`); people read the
descriptions here. Every action recorded anywhere in the code must be listed
(`camreg/audit/tests/test_action_descriptions.py` walks the code and fails on one that is
not). Each action belongs to an area, which groups the audit screen's filter.

No database access and no imports from the apps above: plain data and formatting only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    name: str | Promise


@dataclass(frozen=True)
class Action:
    name: str  # as stored in the log
    area: str  # Area.key
    label: str | Promise  # what happened, in plain words


AREAS: dict[str, Area] = {
    area.key: area
    for area in (
        Area("sign_in", _("Sign-in, sessions and the console")),
        Area("staff", _("Staff accounts and API tokens")),
        Area("residents", _("Residents' own actions")),
        Area("registry", _("Registrations and registrant records")),
        Area("program", _("Program settings, terms and email texts")),
        Area("canvass", _("Cases and canvass searches")),
        Area("footage", _("Footage requests")),
        Area("evidence", _("Evidence and chain of custody")),
        Area("outreach", _("Emails and annual confirmation")),
        Area("audit", _("The audit log")),
        Area("other", _("Other actions")),
    )
}

_ALL: tuple[Action, ...] = (
    # Sign-in, sessions and the console
    Action("auth.sign_in", "sign_in", _("Signed in to the console")),
    Action("auth.sign_in_failed", "sign_in", _("Failed to sign in (wrong password or code)")),
    Action("auth.sign_in_blocked", "sign_in", _("Sign-in refused while locked out")),
    Action("auth.locked_out", "sign_in", _("Sign-in locked after too many failed attempts")),
    Action(
        "auth.lockout_notified",
        "sign_in",
        _("Emailed the owner and administrators about a lockout"),
    ),
    Action("auth.recovery_code_used", "sign_in", _("Signed in with a one-time recovery code")),
    Action("auth.sign_out", "sign_in", _("Signed out")),
    Action(
        "auth.session_timeout", "sign_in", _("Session ended after inactivity or its time limit")
    ),
    Action("auth.mfa_enrolled", "sign_in", _("Set up the second factor (authenticator app)")),
    Action(
        "auth.mfa_key_rotated", "sign_in", _("Re-encrypted the authenticator keys with a new key")
    ),
    Action("auth.password_reset_requested", "sign_in", _("Asked for a password reset link")),
    Action("auth.password_reset_completed", "sign_in", _("Chose a new password with a reset link")),
    Action("console.home_viewed", "sign_in", _("Opened the console home page")),
    # Staff accounts and API tokens
    Action("staff.invited", "staff", _("Invited a staff member")),
    Action("staff.invite_accepted", "staff", _("Accepted an invitation and created the account")),
    Action("staff.roles_changed", "staff", _("Changed a staff member's roles")),
    Action("staff.deactivated", "staff", _("Deactivated a staff account")),
    Action("staff.reactivated", "staff", _("Reactivated a staff account")),
    Action("staff.mfa_reset", "staff", _("Reset a staff member's second factor")),
    Action("staff.unlocked", "staff", _("Unlocked a staff member's sign-in")),
    Action(
        "staff.account_recovered", "staff", _("Recovered an administrator account from the server")
    ),
    Action("staff.disabled_inactive", "staff", _("Disabled an account unused for too long")),
    Action("staff.service_account_created", "staff", _("Created a service account for the API")),
    Action("api.token_created", "staff", _("Created an API token")),
    Action("api.token_revoked", "staff", _("Revoked an API token")),
    # Residents' own actions (the registrant is the actor)
    Action("registration.submitted", "residents", _("Registered cameras (registration submitted)")),
    Action(
        "registration.registered_again",
        "residents",
        _("Someone registered again with this email address; a link was sent"),
    ),
    Action("registration.email_verified", "residents", _("Verified their email address")),
    Action("registration.terms_accepted", "residents", _("Accepted the current terms")),
    Action(
        "registration.portal_opened",
        "residents",
        _("Opened their registration with a management link"),
    ),
    Action("registration.updated", "residents", _("Changed their registration")),
    Action("registration.reconfirmed", "residents", _("Confirmed the registration is current")),
    Action("registration.left", "residents", _("Left the program (personal data erased)")),
    # Registrations and registrant records (staff and the system)
    Action("review.queue_viewed", "registry", _("Opened the review queue")),
    Action("registration.confirmed", "registry", _("Confirmed a registration")),
    Action("registration.rejected", "registry", _("Rejected a registration")),
    Action(
        "registration.rejected_erased",
        "registry",
        _("Erased a rejected registration's personal data"),
    ),
    Action("registration.lapsed", "registry", _("Registration lapsed (not confirmed in time)")),
    Action(
        "registration.lapsed_purged", "registry", _("Purged a lapsed registration's personal data")
    ),
    Action("registration.merged", "registry", _("Merged duplicate registrations")),
    Action("registry.searched", "registry", _("Searched the registrant list")),
    Action("registry.map_viewed", "registry", _("Opened the camera map")),
    Action("registrant.viewed", "registry", _("Viewed a registrant's details")),
    Action("registrant.edited", "registry", _("Changed a registration on the registrant's behalf")),
    Action("registrant.note_added", "registry", _("Added a note to a registrant")),
    # Program settings, terms and email texts
    Action("agency.set_up", "program", _("Set up the agency")),
    Action("agency.setup_updated", "program", _("Updated the agency's set-up from the server")),
    Action("settings.agency_updated", "program", _("Changed the agency profile")),
    Action("settings.boundary_replaced", "program", _("Replaced the jurisdiction boundary")),
    Action(
        "settings.confirm_mode_changed", "program", _("Changed how registrations are confirmed")
    ),
    Action("settings.limits_updated", "program", _("Changed the canvass limits or deadlines")),
    Action("terms.draft_created", "program", _("Started a new terms version (draft)")),
    Action("terms.draft_updated", "program", _("Edited the draft terms")),
    Action("terms.draft_discarded", "program", _("Discarded the draft terms")),
    Action("terms.published", "program", _("Published a new terms version")),
    Action("email_text.updated", "program", _("Changed an email text")),
    Action("email_text.restored", "program", _("Restored an email text to its default")),
    # Cases and canvass searches
    Action("canvass.case_created", "canvass", _("Opened a case")),
    Action("canvass.case_viewed", "canvass", _("Viewed a case")),
    Action("canvass.case_closed", "canvass", _("Closed a case")),
    Action("canvass.case_reopened", "canvass", _("Reopened a case")),
    Action("canvass.searched", "canvass", _("Searched for cameras near an incident")),
    Action("canvass.search_added", "canvass", _("Added a search to a case")),
    Action(
        "canvass.limit_overridden", "canvass", _("Searched beyond the canvass limits (override)")
    ),
    Action(
        "canvass.contact_sheet_printed", "canvass", _("Printed a contact sheet of search results")
    ),
    Action("canvass.exported", "canvass", _("Exported search results as CSV")),
    # Footage requests
    Action("footage.request_form_viewed", "footage", _("Opened the footage request form")),
    Action("footage.request_sent", "footage", _("Sent a footage request to an owner")),
    Action("footage.request_created", "footage", _("Created a footage request (no email address)")),
    Action("footage.cameras_skipped", "footage", _("Left cameras out of a footage request")),
    Action(
        "footage.call_task_created",
        "footage",
        _("Created a call task for an owner who prefers a call"),
    ),
    Action("footage.request_viewed", "footage", _("Viewed a footage request")),
    Action("footage.case_requests_viewed", "footage", _("Viewed a case's footage requests")),
    Action("footage.dashboard_viewed", "footage", _("Opened the footage requests list")),
    Action("footage.answered", "footage", _("Owner answered a footage request")),
    Action("footage.answered_by_phone", "footage", _("Logged an owner's answer given by phone")),
    Action("footage.contact_logged", "footage", _("Logged a call or visit to an owner")),
    Action("footage.footage_received", "footage", _("Marked footage as received")),
    Action("footage.closed", "footage", _("Closed a footage request")),
    Action("footage.reminder_sent", "footage", _("Sent a reminder about a footage request")),
    Action("footage.request_expired", "footage", _("A footage request expired unanswered")),
    Action("footage.request_resent", "footage", _("Sent an expired footage request again")),
    Action("footage.request_extended", "footage", _("Extended a footage request's deadline")),
    # Evidence and chain of custody (evidence.<custody kind>)
    Action("evidence.received", "evidence", _("Received a footage file")),
    Action("evidence.hash_computed", "evidence", _("Computed a file's fingerprint (SHA-256)")),
    Action("evidence.viewed", "evidence", _("Viewed an evidence file")),
    Action("evidence.files_listed", "evidence", _("Listed a case's evidence files")),
    Action("evidence.custody_report_viewed", "evidence", _("Viewed a chain of custody report")),
    Action("evidence.downloaded", "evidence", _("Downloaded an evidence file")),
    Action("evidence.exported", "evidence", _("Exported an evidence file")),
    Action("evidence.shared", "evidence", _("Shared an evidence file with another agency")),
    Action("evidence.released", "evidence", _("Released an evidence file outside the agency")),
    Action("evidence.hash_verified", "evidence", _("Re-checked a file's fingerprint: unchanged")),
    Action(
        "evidence.hash_mismatch",
        "evidence",
        _("Re-checked a file's fingerprint: it DOES NOT MATCH"),
    ),
    Action(
        "evidence.retention_changed",
        "evidence",
        _("Changed an evidence file's retention category or period"),
    ),
    Action("evidence.retention_category_created", "evidence", _("Added a retention category")),
    Action(
        "evidence.retention_category_changed",
        "evidence",
        _("Changed a retention category or its period"),
    ),
    Action("evidence.retention_category_deleted", "evidence", _("Deleted a retention category")),
    Action("evidence.deleted", "evidence", _("Deleted an evidence file at the end of retention")),
    Action(
        "evidence.intake_started", "evidence", _("Started receiving footage handed over in person")
    ),
    Action(
        "evidence.owner_statements",
        "evidence",
        _("Owner made statements about their footage (unaltered, clock)"),
    ),
    Action("evidence.submission_sent", "evidence", _("Finished sending footage files")),
    Action(
        "evidence.release_proposed",
        "evidence",
        _("Proposed a release of footage outside the agency"),
    ),
    Action("evidence.release_approved", "evidence", _("Approved a release of footage")),
    Action("evidence.release_refused", "evidence", _("Refused a release of footage")),
    Action("evidence.release_revoked", "evidence", _("Ended an approved release")),
    Action(
        "evidence.release_queue_viewed", "evidence", _("Opened the releases waiting for a decision")
    ),
    Action("evidence.release_viewed", "evidence", _("Viewed a release")),
    Action("evidence.share_link_issued", "evidence", _("Issued a share link to another agency")),
    Action("evidence.share_link_opened", "evidence", _("A share link was opened by its recipient")),
    Action("evidence.share_link_revoked", "evidence", _("Revoked a share link")),
    Action("evidence.still_downloaded", "evidence", _("Downloaded a still image")),
    Action("evidence.bulletin_viewed", "evidence", _("Printed a bulletin with a still image")),
    # Emails and annual confirmation
    Action("outbox.failed_listed", "outreach", _("Opened the list of emails that failed")),
    Action("outbox.retried", "outreach", _("Retried a failed email")),
    Action("outbox.cancelled", "outreach", _("Cancelled an email")),
    Action("confirmation.daily_run", "outreach", _("Ran the daily annual-confirmation job")),
    Action("confirmation.funnel_listed", "outreach", _("Opened the annual confirmation figures")),
    # The audit log
    Action("audit.viewed", "audit", _("Read the audit log")),
    Action("audit.exported", "audit", _("Exported the audit log as CSV")),
    Action("audit.chain_verified", "audit", _("Verified the audit log's hash chain")),
    Action(
        "audit.checkpoint_mismatch", "audit", _("The audit log changed since its last checkpoint")
    ),
    Action("audit.chain_keyed", "audit", _("Started chaining the audit log with the audit key")),
)

ACTIONS: dict[str, Action] = {action.name: action for action in _ALL}

_WORDS = re.compile(r"[._]+")


def is_described(name: str) -> bool:
    return name in ACTIONS


def describe(name: str) -> str:
    """What `name` means, in the active language; unknown names are spelled out."""
    action = ACTIONS.get(name)
    if action is not None:
        return str(action.label)
    return _WORDS.sub(" ", name).strip().capitalize()


def area_of(name: str) -> Area:
    action = ACTIONS.get(name)
    return AREAS[action.area if action is not None else "other"]


def grouped(extra: Iterable[str] = ()) -> list[tuple[Area, list[tuple[str, str]]]]:
    """Every action as (name, description), grouped by area in the order above.

    `extra` adds names the registry does not know (found in an older log) under "Other".
    """
    groups: dict[str, list[tuple[str, str]]] = {key: [] for key in AREAS}
    for action in _ALL:
        groups[action.area].append((action.name, str(action.label)))
    for name in sorted(set(extra) - ACTIONS.keys()):
        groups["other"].append((name, describe(name)))
    return [(AREAS[key], items) for key, items in groups.items() if items]


# Targets, actors and details --------------------------------------------------------

TARGET_TYPES: dict[str, str | Promise] = {
    "registry.registrant": _("Registrant"),
    "registry.site": _("Place"),
    "registry.camera": _("Camera"),
    "registry.termsversion": _("Terms version"),
    "accounts.user": _("Staff member"),
    "api.apitoken": _("API token"),
    "agency.agency": _("Agency"),
    "canvass.case": _("Case"),
    "canvass.search": _("Search"),
    "footage.footagerequest": _("Footage request"),
    "footage.calltask": _("Call task"),
    "evidence.evidencefile": _("Evidence file"),
    "evidence.release": _("Release"),
    "evidence.still": _("Still image"),
    "evidence.retentioncategory": _("Retention category"),
    "evidence.submission": _("Footage submission"),
    "outreach.outboxmessage": _("Email"),
    "outreach.emailtext": _("Email text"),
}

ROLES: dict[str, str | Promise] = {
    "deputy": _("Deputy"),
    "investigator": _("Investigator"),
    "supervisor": _("Supervisor"),
    "program_coordinator": _("Program coordinator"),
    "evidence_custodian": _("Evidence custodian"),
    "auditor": _("Auditor"),
    "administrator": _("Administrator"),
    "registrant": _("Registrant"),
}

# Labels of the keys details carry; any other key is spelled out ("search_event_id").
DETAIL_LABELS: dict[str, str | Promise] = {
    "added": _("Added"),
    "answer": _("Answer"),
    "asked_before": _("Asked before (requests)"),
    "authenticators": _("Authenticators"),
    "automatic": _("Confirmed automatically"),
    "confirmed_at_once": _("Confirmed at once"),
    "leave_reason": _("Reason for leaving"),
    "link_sent": _("Link sent"),
    "terms_version": _("Terms version"),
    "by": _("By"),
    "camera_ids": _("Cameras"),
    "cameras": _("Cameras"),
    "changed": _("Changed"),
    "chain": _("Hash chain"),
    "channel": _("Channel"),
    "checkpoint": _("Checkpoint"),
    "contact": _("Contact details"),
    "count": _("Count"),
    "custody_event": _("Custody event"),
    "day": _("Day"),
    "email": _("Email"),
    "fields": _("Fields"),
    "file_name": _("File name"),
    "filters": _("Filters"),
    "kind": _("Kind"),
    "language": _("Language"),
    "last_event_id": _("Up to event"),
    "method": _("Method"),
    "note": _("Note"),
    "outcome": _("Outcome"),
    "page": _("Page"),
    "problem": _("Problem"),
    "query": _("Search words"),
    "reason": _("Reason"),
    "registrant_id": _("Registrant"),
    "removed": _("Removed"),
    "results": _("Results"),
    "roles": _("Roles"),
    "rows": _("Rows"),
    "rows_checked": _("Events checked"),
    "broken_event_id": _("Broken at event"),
    "search_event_id": _("Search (audit event)"),
    "shown": _("Shown"),
    "sites": _("Places"),
    "status": _("Status"),
    "template": _("Email"),
    "version": _("Version"),
    "via": _("Through"),
    "was": _("Was"),
    "window_end": _("Window ends"),
    "window_start": _("Window starts"),
}

_MAX_ITEMS = 12  # list items shown before "and N more"
_MAX_TEXT = 300


def target_label(target_type: str, target_id: str) -> str:
    """ "Registrant #7", "Case #3"; an unknown type is shown as stored."""
    if not target_type:
        return ""
    name = str(TARGET_TYPES.get(target_type, target_type))
    return f"{name} #{target_id}" if target_id else name


def role_names(roles: str) -> str:
    return ", ".join(str(ROLES.get(r, r)) for r in roles.split(",") if r)


def _label(key: str) -> str:
    known = DETAIL_LABELS.get(key)
    if known is not None:
        return str(known)
    return _WORDS.sub(" ", str(key)).strip().capitalize()


def _text(value) -> str:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        shown = [_text(v) for v in value[:_MAX_ITEMS]]
        more = len(value) - len(shown)
        text = ", ".join(shown)
        if more > 0:
            text += " " + gettext("and %(count)d more") % {"count": more}
        return text
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _empty(value) -> bool:
    return value in (None, "", [], {})


def detail_lines(details: dict | None) -> list[tuple[str, str]]:
    """An event's details as (label, text) lines for people, not JSON.

    Nested dictionaries become one line per inner key ("Changed › Contact details");
    empty values are left out.
    """
    lines: list[tuple[str, str]] = []

    def walk(prefix: str, data: dict, depth: int) -> None:
        for key, value in data.items():
            if _empty(value):
                continue
            label = f"{prefix} › {_label(key)}" if prefix else _label(key)
            if isinstance(value, dict) and depth < 2:
                walk(label, value, depth + 1)
            else:
                lines.append((label, _text(value)))

    walk("", details or {}, 0)
    return lines


def readable(events: list) -> list:
    """Give each audit event what people read, in the active language: what happened in
    plain words (`description`), its target (`target_text`), the actor's roles by name
    (`role_names`) and its details as (label, text) lines (`detail_lines`)."""
    for event in events:
        event.description = describe(event.action)
        event.target_text = target_label(event.target_type, event.target_id)
        event.role_names = role_names(event.role)
        event.detail_lines = detail_lines(event.details)
    return events
