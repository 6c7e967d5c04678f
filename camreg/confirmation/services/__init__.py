"""The yearly confirmation cycle: every operation of the app (views and tasks call these).

- policy: the calendar (intervals from settings, dates in the agency's time zone);
- cycle: the daily run (annual emails, reminders, lapse, purge notice, purge) and what a
  confirmation or an erasure does to a registrant's cycle;
- confirming: the one-click link and its confirmation;
- funnel: the console's numbers per month and the cycles behind them.
"""

from camreg.confirmation.services.confirming import (
    LinkInvalid,
    LinkState,
    TermsNotAccepted,
    confirm,
    open_link,
)
from camreg.confirmation.services.cycle import (
    TEMPLATES,
    close_inactive,
    confirm_url,
    email_context,
    ensure_cycles,
    on_confirmed,
    on_erased,
    purge_date_of,
    run,
)
from camreg.confirmation.services.funnel import (
    STAGES,
    MonthRow,
    cycles,
    cycles_of,
    funnel,
    parse_month,
)
from camreg.confirmation.services.policy import Policy, add_months, local_date, today

__all__ = [
    "STAGES",
    "TEMPLATES",
    "LinkInvalid",
    "LinkState",
    "MonthRow",
    "Policy",
    "TermsNotAccepted",
    "add_months",
    "close_inactive",
    "confirm",
    "confirm_url",
    "cycles",
    "cycles_of",
    "email_context",
    "ensure_cycles",
    "funnel",
    "local_date",
    "on_confirmed",
    "on_erased",
    "open_link",
    "parse_month",
    "purge_date_of",
    "run",
    "today",
]
