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
