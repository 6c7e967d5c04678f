"""Email for the whole product: queue, deliver, retry, erase.

Every email goes through `queue_email`. It renders the message in the recipient's
language and stores it in the outbox in the caller's transaction, with an idempotency
key (a key is queued at most once), and enqueues its delivery task in the same
transaction: with the database task backend the task row commits or rolls back together
with the message (a transactional outbox), so an email is never sent for work that was
rolled back, and never lost for work that was committed.

Delivery (delivery.py) claims messages safely with several workers, sends them over one
reused connection, marks each one sent in its own commit, retries transient failures with
back-off and fails permanent refusals (5xx) at once; `deliver_due` (run every 30 seconds by
the scheduler, and after a campaign) sends what has come due and requeues messages whose
worker died. Delivery is exactly once except for the one message on the wire when a
worker is killed (decision 0022).

Staff see failed messages and retry or cancel them (staff.py); erasing a registrant's
email and redaction are in erasure.py; the agency's own wording is in email_texts.
The modules import each other directly; callers use the names re-exported here.
"""

from camreg.outreach.erasure import forget_registrant
from camreg.outreach.services.delivery import (
    CLAIM_BATCH,
    DELIVER_DUE_MAX_FAILURES_IN_A_ROW,
    RETRY_BASE_DELAY,
    RETRY_JITTER,
    RETRY_MAX_DELAY,
    RUN_SECONDS,
    STALE_SENDING_AFTER,
    RunResult,
    deliver,
    deliver_due,
    is_permanent,
    more_due,
    new_run_id,
    requeue_stale,
    retry_delay,
    send_due,
    smtp_reason,
)
from camreg.outreach.services.queueing import (
    new_message_id,
    queue_email,
    queue_email_to_registrant,
    render_email,
    supported_language,
    wake_delivery,
)
from camreg.outreach.services.staff import (
    NotCancellable,
    NotFailed,
    cancel,
    failed_messages,
    retry,
)

__all__ = [
    # queueing
    "new_message_id",
    "queue_email",
    "queue_email_to_registrant",
    "render_email",
    "supported_language",
    "wake_delivery",
    # delivery
    "CLAIM_BATCH",
    "DELIVER_DUE_MAX_FAILURES_IN_A_ROW",
    "RETRY_BASE_DELAY",
    "RETRY_JITTER",
    "RETRY_MAX_DELAY",
    "RUN_SECONDS",
    "STALE_SENDING_AFTER",
    "RunResult",
    "deliver",
    "deliver_due",
    "is_permanent",
    "more_due",
    "new_run_id",
    "requeue_stale",
    "retry_delay",
    "send_due",
    "smtp_reason",
    # staff
    "NotCancellable",
    "NotFailed",
    "cancel",
    "failed_messages",
    "retry",
    # erasure
    "forget_registrant",
]
