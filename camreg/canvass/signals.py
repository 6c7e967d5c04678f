"""What canvass asks of the apps above it (footage, ...), which it never imports.

They connect receivers in their `AppConfig.ready()`. Decision 0021.
"""

from django.dispatch import Signal

# A case page is being built: the case is the deputy's workspace, and apps above canvass
# add what they hold about the case. Arguments: `case`, `actor` (the staff member reading
# the page), `request` (the HTTP request, for the audit log) and `camera_ids` (the cameras
# the page lists). A receiver returns a canvass.workspace.CaseSection, or None when it has
# nothing to show; it records in the audit log the personal data its section shows.
case_workspace = Signal()
