"""What the agency app announces to the apps above it.

Apps above connect to these in their `AppConfig.ready()`; the agency never imports them.
"""

from django.dispatch import Signal

# Sent before a new jurisdiction boundary replaces the current one, with `shape` (a
# shapely geometry). A receiver that holds points the new boundary would leave out returns
# a short description of them ("2 registered sites (active or waiting for review)"), which
# refuses the change; otherwise it returns None.
boundary_replacing = Signal()
