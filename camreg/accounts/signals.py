"""What accounts tells the apps above it (they connect receivers in their `ready()`)."""

from django.dispatch import Signal

# A staff account was deactivated (by an administrator or for inactivity), inside the
# transaction of the change. Arguments: `user`, `actor` (None: the system), `request`
# (None outside a request). The API revokes the account's tokens for good.
staff_deactivated = Signal()
