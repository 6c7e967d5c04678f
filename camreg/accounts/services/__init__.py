"""Staff accounts: sign-in with a second factor, session limits, invitations, password
resets, roles and deactivation. Every change is written to the audit log here.

One module per capability; this package re-exports their public names, so callers write
`from camreg.accounts import services` and `services.invite(...)`:

- `sign_in`: the password step, failures, checking the second factor;
- `lockout`: locked accounts, telling their owner and the administrators, unlocking;
- `enrolment`: setting up an authenticator app and recovery codes;
- `sessions`: session limits (absolute and idle), signing out, the list of sessions;
- `links`: single-use email links;
- `invitations` and `password_reset`: the emails that carry those links;
- `staff`: administration (roles, deactivation, second-factor resets, recovery);
- `service_accounts`: the accounts systems use to call the API.

The modules import each other directly, never through this package.
"""

from .enrolment import (
    NEW_RECOVERY_CODES_KEY,
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    TOTP_DEVICE_NAME,
    base32_secret,
    confirm_enrolment,
    enrolment_device,
    format_recovery_code,
    grouped_secret,
    new_recovery_codes,
    qr_svg,
    random_recovery_code,
    set_authenticator,
)
from .invitations import accept_invitation, invite, resend_invitation
from .links import STAFF_EMAIL_LANGUAGE, find_token, issue_token
from .lockout import locked_accounts, locked_until, lockout_minutes, notify_lockout, unlock
from .password_reset import complete_password_reset, request_password_reset
from .service_accounts import create_service_account
from .sessions import (
    KEPT_ON_STAFF_TIMEOUT,
    LAST_SEEN_KEY,
    SIGNED_IN_AT_KEY,
    end_all_sessions,
    end_session,
    forget_old_sessions,
    forget_session,
    now_ts,
    remember_session,
    session_expiry,
    sign_out,
    start_session_clock,
)
from .sign_in import (
    PENDING_KEY,
    PENDING_SECONDS,
    CodeCheck,
    check_code,
    clear_pending,
    complete_sign_in,
    count_code_failure,
    has_authenticator,
    normalize_code,
    pending_user,
    record_blocked,
    record_failure,
    recovery_codes_left,
    safe_next,
    start_pending,
)
from .staff import (
    StaffChangeRefused,
    change_roles,
    check_service_account_roles,
    deactivate,
    disable_inactive_staff,
    reactivate,
    recover_account,
    reset_mfa,
    service_account_roles_message,
)

__all__ = [
    "KEPT_ON_STAFF_TIMEOUT",
    "LAST_SEEN_KEY",
    "NEW_RECOVERY_CODES_KEY",
    "PENDING_KEY",
    "PENDING_SECONDS",
    "RECOVERY_CODE_COUNT",
    "RECOVERY_DEVICE_NAME",
    "SIGNED_IN_AT_KEY",
    "STAFF_EMAIL_LANGUAGE",
    "TOTP_DEVICE_NAME",
    "CodeCheck",
    "StaffChangeRefused",
    "accept_invitation",
    "base32_secret",
    "change_roles",
    "check_code",
    "check_service_account_roles",
    "clear_pending",
    "complete_password_reset",
    "complete_sign_in",
    "confirm_enrolment",
    "count_code_failure",
    "create_service_account",
    "deactivate",
    "disable_inactive_staff",
    "end_all_sessions",
    "end_session",
    "enrolment_device",
    "find_token",
    "forget_old_sessions",
    "forget_session",
    "format_recovery_code",
    "grouped_secret",
    "has_authenticator",
    "invite",
    "issue_token",
    "locked_accounts",
    "locked_until",
    "lockout_minutes",
    "new_recovery_codes",
    "normalize_code",
    "notify_lockout",
    "now_ts",
    "pending_user",
    "qr_svg",
    "random_recovery_code",
    "reactivate",
    "record_blocked",
    "record_failure",
    "recover_account",
    "recovery_codes_left",
    "remember_session",
    "request_password_reset",
    "resend_invitation",
    "reset_mfa",
    "safe_next",
    "service_account_roles_message",
    "session_expiry",
    "set_authenticator",
    "sign_out",
    "start_pending",
    "start_session_clock",
    "unlock",
]
