"""What footage asks of the apps above it (evidence, ...), which it never imports.

They connect receivers in their `AppConfig.ready()`, as for canvass's `case_workspace`
(decision 0021).
"""

from django.dispatch import Signal

# A footage request's page is being built. Arguments: `footage_request`, `actor` (the staff
# member reading the page) and `request` (the HTTP request, for the audit log). A receiver
# returns a canvass.workspace.CaseSection (title, anchor, template and context, order,
# stylesheets; its camera marks are not used here), or None when it has nothing to show; it
# records in the audit log the personal data its section shows.
request_page_sections = Signal()
