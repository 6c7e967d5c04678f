"""Forms of the footage request pages: console (English) and the registrant's answer page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from camreg.web.forms import UswdsFormMixin

from .models import Answer, ContactKind, ContactOutcome
from .services import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str, required: bool = True, **kw) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": "Enter a date and time.", "required": "Enter a date and time."},
        **kw,
    )


class RequestForm(UswdsFormMixin, forms.Form):
    """The time window and message of a footage request (times in the agency's time zone)."""

    window_start = _datetime_field("Footage from", help_text="In the agency's time zone.")
    window_end = _datetime_field("Footage until")
    message = forms.CharField(
        label="Message to the owners",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Sent as you write it, in every email. Do not include victims' or suspects' "
            "personal details."
        ),
    )

    repeat = forms.BooleanField(
        label="Ask these owners again",
        required=False,
        help_text="Some of these owners were already asked on this case. Tick this to send "
        "them a new request anyway.",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", "The end must be after the start.")
        return cleaned


class AnswerForm(UswdsFormMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers.")},
    )
    note = forms.CharField(
        label=_("Anything the deputy should know"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example, when you can be reached or how the video can be collected."),
    )


class ContactForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label="How", choices=ContactKind.choices)
    outcome = forms.ChoiceField(label="Outcome", choices=ContactOutcome.choices)
    at = _datetime_field("When", required=False, help_text="Leave empty for now.")
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FinishForm(UswdsFormMixin, forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CallForm(UswdsFormMixin, forms.Form):
    """The outcome of one attempt of a call task (a call or a text, as the task says)."""

    outcome = forms.ChoiceField(label="Outcome", choices=ContactOutcome.choices)
    at = _datetime_field("When", required=False, help_text="Leave empty for now.")
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What they said; with an answer, it is kept as their note.",
    )
