"""What the registry announces to the apps above it (canvass, footage, ...).

The registry never imports those apps: they connect receivers to these signals in their
`AppConfig.ready()`. Every signal is sent inside the transaction of the change, so a
receiver's writes commit or roll back with it; a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# A registrant's sites were created, moved or removed. Arguments: `registrant`, and
# `new_sites`: the Site rows just created when that is all that happened (a new
# registration), or None when any site of the registrant may have changed.
sites_changed = Signal()

# A registrant's personal data is being erased (leaving, a rejected or lapsed registration
# reaching its erasure date). Argument: `registrant`. Receivers erase what they hold about
# the person; rows that are evidence stay.
registrant_erased = Signal()

# A registrant confirmed that their registration is current, which restarts their year
# until the next annual confirmation (camreg.confirmation). Arguments: `registrant`, `via`
# (one of CONFIRMED_VIA), `actor` (the staff member for "staff" and "review", else None) and
# `reason` (staff confirmations on the registrant's behalf; else "").
registration_confirmed = Signal()

CONFIRMED_VIA = (
    "review",  # the registration was confirmed (staff review, or automatic confirmation)
    "link",  # the registrant's one-click "everything is still correct" link
    "portal",  # the registrant saved their registration or accepted new terms in the portal
    "staff",  # staff confirmed on the registrant's behalf (a call, a letter), with a reason
)
