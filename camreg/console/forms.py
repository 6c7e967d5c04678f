"""Forms of the staff console (English only, like the rest of the console)."""

from __future__ import annotations

from django import forms

from camreg.registry.models import RegistrationStatus, SystemType
from camreg.web.forms import UswdsFormMixin

MAP_STATUSES = [
    (RegistrationStatus.ACTIVE, "Active"),
    (RegistrationStatus.PENDING_REVIEW, "Waiting for review"),
    (RegistrationStatus.LAPSED, "Lapsed"),
]
DEFAULT_MAP_STATUSES = [RegistrationStatus.ACTIVE.value]

ANY = "any"
CONFIRMED_WITHIN_YEAR = "within_year"
CONFIRMED_OVER_YEAR = "over_year"
NEVER_CONFIRMED = "never"
CONFIRMATION_AGES = [
    (ANY, "Any time"),
    (CONFIRMED_WITHIN_YEAR, "Confirmed within the last year"),
    (CONFIRMED_OVER_YEAR, "Confirmed more than a year ago"),
    (NEVER_CONFIRMED, "Never confirmed"),
]


class RejectForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        error_messages={"required": "Write the reason for turning the registration down."},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Stored with the registration. Unless you tick the box below, the registrant "
            "receives it by email exactly as written, inside a message in their language."
        ),
    )
    spam = forms.BooleanField(
        label="Do not notify (spam)",
        required=False,
        help_text="For obvious spam or fake registrations: no email is sent.",
    )


class MapFilterForm(UswdsFormMixin, forms.Form):
    status = forms.MultipleChoiceField(
        label="Registration status",
        choices=MAP_STATUSES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Active only when none is ticked.",
    )
    confirmed = forms.ChoiceField(
        label="Last confirmed",
        choices=CONFIRMATION_AGES,
        widget=forms.RadioSelect,
        required=False,
        initial=ANY,
    )
    system_type = forms.MultipleChoiceField(
        label="System type",
        choices=SystemType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="All types when none is ticked.",
    )

    @classmethod
    def from_query(cls, query) -> MapFilterForm:
        """Bound to the query string, or unbound (the defaults) when there is none."""
        if not any(name in query for name in ("status", "confirmed", "system_type")):
            return cls(initial={"status": DEFAULT_MAP_STATUSES, "confirmed": ANY})
        return cls(query)

    def filters(self) -> dict:
        """The filters to apply: the cleaned choices, defaults where none were made."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": sorted(data.get("status") or DEFAULT_MAP_STATUSES),
            "confirmed": data.get("confirmed") or ANY,
            "system_type": sorted(data.get("system_type") or []),
        }


class RegistrantSearchForm(UswdsFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        help_text="Name, business name, email, phone or address (street, city or ZIP code).",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any status"), *RegistrationStatus.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"


class EditReasonForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for this change",
        max_length=1000,
        error_messages={"required": "Write why you are changing this registration."},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Required and kept in the audit log. For example: phone call from the registrant "
            "on 12 May asking to add the garage camera."
        ),
    )


class NoteForm(UswdsFormMixin, forms.Form):
    body = forms.CharField(
        label="New note",
        max_length=5000,
        error_messages={"required": "Write the note before adding it."},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Notes cannot be changed or deleted once added.",
    )


class ConfirmForForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="How did the registrant confirm?",
        max_length=1000,
        error_messages={"required": "Write why you are confirming on the registrant's behalf."},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Required and kept in the audit log. For example: phone call on 12 May, the "
            "registrant said nothing has changed."
        ),
    )


class OutboxActionForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Note (optional, kept in the audit log)", max_length=500, required=False
    )
