"""Evidence fills the case page and the footage request page: connected in
EvidenceConfig.ready().

Both answer with a `canvass.workspace.CaseSection` (decision 0021): the case's evidence
files (or the request's), by submission, each with its name, size, SHA-256, poster
thumbnail, status and a link to its page; on the case page, a deputy's link to add footage
collected in person. A request's page shows nothing while it has no file. Listing them
is audited (`evidence.files_listed`); nothing else is written.
"""

from django.dispatch import receiver
from django.urls import reverse

from camreg.accounts.roles import Permission, can
from camreg.canvass import signals as canvass_signals
from camreg.canvass.workspace import CaseSection
from camreg.footage import signals as footage_signals

from .services import reading


@receiver(canvass_signals.case_workspace, dispatch_uid="evidence.case_workspace")
def evidence_on_the_case(sender, case, actor, request=None, **kwargs):
    if not can(actor, Permission.EVIDENCE_VIEW):
        return None
    groups = reading.listed(case, actor=actor, request=request)
    takes_in = can(actor, Permission.CANVASS)  # a deputy adds footage collected in person
    if not groups and not takes_in:
        return None  # nothing received yet, and nothing this person can add
    return CaseSection(
        title="Evidence received",
        anchor="evidence",
        template="evidence/files/_section.html",
        context={
            "case": case,
            "groups": groups,
            "heading": "h3",
            "show_request": True,
            "intake_url": reverse("evidence:intake-case", args=[case.pk]) if takes_in else "",
        },
        order=20,
        stylesheets=("evidence/files.css",),
    )


@receiver(footage_signals.request_page_sections, dispatch_uid="evidence.request_page")
def evidence_of_the_request(sender, footage_request, actor, request=None, **kwargs):
    if not can(actor, Permission.EVIDENCE_VIEW):
        return None
    groups = reading.listed(
        footage_request.case, actor=actor, request=request, footage_request=footage_request
    )
    if not groups:
        return None
    return CaseSection(
        title="Footage received",
        anchor="evidence",
        template="evidence/files/_section.html",
        context={"case": footage_request.case, "groups": groups, "heading": "h3"},
        order=20,
        stylesheets=("evidence/files.css",),
    )
