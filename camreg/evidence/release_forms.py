"""Forms of the release pages: proposing a release (files, how, the legal basis of term 3,
recipient), the custodian's decision and revocation, a still's frame and its bulletin."""

from __future__ import annotations

from django import forms

from camreg.web.forms import UswdsFormMixin

from .models import LegalBasis, ReleaseKind
from .services import releases, stills

# Term 3 of the program, as each legal basis applies it.
TERM_3 = {
    LegalBasis.LAW: "Term 3(a): the law or a court order requires the release.",
    LegalBasis.AGENCY: (
        "Term 3(b): as far as needed to further an investigation, shared with another "
        "law-enforcement agency."
    ),
    LegalBasis.PUBLIC: (
        "Term 3(b): as far as needed to further an investigation, through the media or the "
        "community to identify or catch a suspect (for example stills in bulletins and flyers)."
    ),
}
PROPOSABLE_KINDS = [
    (ReleaseKind.SHARE_LINK, "Expiring download link for another law-enforcement agency"),
    (ReleaseKind.COPY, "Copy handed over (a disc or drive, to a court, a prosecutor or an agency)"),
]


def _basis_choices():
    return [(value, f"{label}. {TERM_3[value]}") for value, label in LegalBasis.choices]


class ReleaseForm(UswdsFormMixin, forms.Form):
    files = forms.MultipleChoiceField(
        label="Evidence files to release",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one evidence file."},
    )
    kind = forms.ChoiceField(
        label="How it leaves the agency",
        choices=PROPOSABLE_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the evidence leaves the agency."},
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis (term 3 of the program)",
        choices=_basis_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the legal basis: the terms allow a release only for these reasons."
        },
    )
    recipient = forms.CharField(
        label="Recipient",
        max_length=releases.RECIPIENT_MAX_LENGTH,
        help_text="The agency, court, office or person receiving it, with a contact.",
        error_messages={"required": "Fill in the recipient."},
    )
    description = forms.CharField(
        label="What is released, and why",
        max_length=releases.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Fill in what is released and why."},
    )

    def __init__(self, *args, files_of_case=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [
            (str(f.pk), f"{f.original_name} (SHA-256 {f.sha256[:12]}…)") for f in files_of_case
        ]


class DecisionForm(UswdsFormMixin, forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=releases.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you approve or refuse (required to refuse).",
    )


class RevokeForm(UswdsFormMixin, forms.Form):
    note = forms.CharField(
        label="Reason for revoking",
        max_length=releases.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the release ends."},
    )


class StillForm(UswdsFormMixin, forms.Form):
    at = forms.CharField(
        label="Time in the video",
        max_length=20,
        help_text="Seconds (90 or 90.5) or minutes and seconds (1:30).",
        error_messages={"required": "Enter the time of the frame."},
    )


class BulletinForm(UswdsFormMixin, forms.Form):
    headline = forms.CharField(
        label="Headline",
        max_length=stills.HEADLINE_MAX_LENGTH,
        help_text="For example: “Do you recognize this person?”",
        error_messages={"required": "Fill in the headline."},
    )
    bulletin_text = forms.CharField(
        label="Bulletin text",
        max_length=stills.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What happened, when and where, and what the public should do. "
        "No victim's personal details.",
        error_messages={"required": "Fill in the bulletin's text."},
    )
    recipient = forms.CharField(
        label="Recipient",
        max_length=releases.RECIPIENT_MAX_LENGTH,
        initial=stills.DEFAULT_RECIPIENT,
        error_messages={"required": "Fill in the recipient."},
    )
