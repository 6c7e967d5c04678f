"""Every operation on registrants, sites, cameras, terms and consent.

Views, commands, tasks and (later) the API call these functions; they hold the rules.
One module per capability; callers import this package (`from camreg.registry import
services`) and use the names re-exported here. The modules import each other directly.
"""

from camreg.registry.services.common import CAMERA_FIELDS, CONTACT_FIELDS, MANAGEABLE, Client
from camreg.registry.services.duplicates import (
    DuplicateHint,
    address_key,
    duplicate_hints,
    duplicate_hints_for,
)
from camreg.registry.services.lifecycle import (
    CONFIRMABLE,
    NotConfirmable,
    announce_confirmation,
    confirm_for,
    lapse,
    purge_lapsed,
    record_confirmation,
)
from camreg.registry.services.locating import (
    Located,
    SiteLocationError,
    locate_site,
    outside_message,
)
from camreg.registry.services.pending_photos import purge_pending_photos
from camreg.registry.services.portal import (
    EmailInUse,
    leave,
    open_portal,
    send_manage_link,
    update_registration,
)
from camreg.registry.services.registration import (
    Registration,
    confirm_registration,
    holding_email,
    register,
    registered_again,
    verify_email,
)
from camreg.registry.services.retention import (
    erase_rejected,
    purge_unverified,
    remove_all_sites,
)
from camreg.registry.services.review import (
    BulkConfirmResult,
    NotPending,
    bulk_confirm,
    confirm_reviewed,
    reject_registration,
)
from camreg.registry.services.staff_edits import (
    SITE_FIELDS,
    NotEditable,
    add_note,
    registration_changes,
    update_registration_for,
)
from camreg.registry.services.terms import (
    TERMS_CACHE_KEY,
    TERMS_CACHE_SECONDS,
    TermsError,
    accept_terms,
    create_terms_draft,
    current_terms,
    discard_draft,
    needs_terms_acceptance,
    publish_terms,
    terms_draft,
    terms_text,
    update_draft,
)
from camreg.registry.services.tokens import (
    TokenInvalid,
    consume_token,
    issue_token,
    peek_token,
)

__all__ = [
    # common
    "CAMERA_FIELDS",
    "CONTACT_FIELDS",
    "MANAGEABLE",
    "Client",
    # terms
    "TERMS_CACHE_KEY",
    "TERMS_CACHE_SECONDS",
    "TermsError",
    "accept_terms",
    "create_terms_draft",
    "current_terms",
    "discard_draft",
    "needs_terms_acceptance",
    "publish_terms",
    "terms_draft",
    "terms_text",
    "update_draft",
    # locating
    "Located",
    "SiteLocationError",
    "locate_site",
    "outside_message",
    # pending photos (the module itself: services.pending_photos)
    "purge_pending_photos",
    # tokens
    "TokenInvalid",
    "consume_token",
    "issue_token",
    "peek_token",
    # registration
    "Registration",
    "confirm_registration",
    "holding_email",
    "register",
    "registered_again",
    "verify_email",
    # portal
    "EmailInUse",
    "leave",
    "open_portal",
    "send_manage_link",
    "update_registration",
    # retention
    "erase_rejected",
    "purge_unverified",
    "remove_all_sites",
    # review
    "BulkConfirmResult",
    "NotPending",
    "bulk_confirm",
    "confirm_reviewed",
    "reject_registration",
    # duplicates
    "DuplicateHint",
    "address_key",
    "duplicate_hints",
    "duplicate_hints_for",
    # lifecycle (annual confirmation)
    "CONFIRMABLE",
    "NotConfirmable",
    "announce_confirmation",
    "confirm_for",
    "lapse",
    "purge_lapsed",
    "record_confirmation",
    # staff edits
    "SITE_FIELDS",
    "NotEditable",
    "add_note",
    "registration_changes",
    "update_registration_for",
]
