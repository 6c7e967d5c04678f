"""Forms of the owner's upload page and of the staff intake: the statements that go with the
footage (unaltered, the camera clock's offset, notes) and, at intake, from whom it came."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from camreg.web.forms import UswdsFormMixin

NOTES_MAX = 2000
OFFSET_MAX_SECONDS = 7 * 24 * 3600


class ClockChoice:
    UNKNOWN = "unknown"
    RIGHT = "right"
    AHEAD = "ahead"
    BEHIND = "behind"


CLOCK_CHOICES = [
    (ClockChoice.UNKNOWN, _("I don't know")),
    (ClockChoice.RIGHT, _("It shows the right time")),
    (ClockChoice.AHEAD, _("It is ahead of the real time")),
    (ClockChoice.BEHIND, _("It is behind the real time")),
]
UNIT_CHOICES = [("seconds", _("seconds")), ("minutes", _("minutes")), ("hours", _("hours"))]
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600}


class StatementsForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True

    unaltered = forms.BooleanField(
        label=_(
            "The video I am sending is exactly as my camera system recorded it: I have not "
            "edited, cut or altered it."
        ),
        error_messages={"required": _("Confirm that the video is unaltered to send it.")},
    )
    clock = forms.ChoiceField(
        label=_("Your camera's clock"),
        choices=CLOCK_CHOICES,
        initial=ClockChoice.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you know about your camera's clock.")},
    )
    clock_amount = forms.IntegerField(
        label=_("By how much"),
        required=False,
        min_value=0,
        max_value=100000,
        error_messages={
            "invalid": _("Enter by how much the clock is off as a whole number."),
            "min_value": _("Enter by how much the clock is off as a whole number."),
            "max_value": _("That is more than a week: check the number and the unit."),
        },
    )
    clock_unit = forms.ChoiceField(
        label=_("Unit"), choices=UNIT_CHOICES, initial="minutes", required=False
    )
    notes = forms.CharField(
        label=_("Notes for the deputy (optional)"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, which camera each file comes from."),
    )

    def clean(self):
        cleaned = super().clean()
        clock = cleaned.get("clock")
        if clock in (ClockChoice.AHEAD, ClockChoice.BEHIND):
            amount = cleaned.get("clock_amount")
            if amount in (None, 0) and "clock_amount" not in self.errors:
                self.add_error("clock_amount", _("Enter by how much the clock is ahead or behind."))
            elif amount is not None:
                seconds = amount * _UNIT_SECONDS.get(cleaned.get("clock_unit") or "minutes", 60)
                if seconds > OFFSET_MAX_SECONDS:
                    self.add_error(
                        "clock_amount",
                        _("That is more than a week: check the number and the unit."),
                    )
        return cleaned

    def statements(self) -> dict:
        """What the submission stores: unaltered, the offset (camera minus real time, in
        seconds; None when unknown) and the notes."""
        data = self.cleaned_data
        clock = data["clock"]
        offset = None
        if clock == ClockChoice.RIGHT:
            offset = 0
        elif clock in (ClockChoice.AHEAD, ClockChoice.BEHIND):
            seconds = (data.get("clock_amount") or 0) * _UNIT_SECONDS.get(
                data.get("clock_unit") or "minutes", 60
            )
            offset = seconds if clock == ClockChoice.AHEAD else -seconds
        return {
            "states_unaltered": bool(data["unaltered"]),
            "clock_offset_seconds": offset,
            "notes": (data.get("notes") or "").strip(),
        }


class IntakeForm(StatementsForm):
    """A deputy takes footage in: from whom and how, and the same statements (as the person
    handing it over gave them)."""

    received_from = forms.CharField(
        label="Received from",
        max_length=300,
        help_text=(
            'Who handed it over, and how: for example "the owner, Ana Ruiz, in person on a '
            'USB stick".'
        ),
        error_messages={"required": "Enter from whom you received the footage."},
    )
    field_order = ["received_from", "unaltered", "clock", "clock_amount", "clock_unit", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unaltered"].label = (
            "The person handing it over states the footage is unaltered (as the camera "
            "system recorded it)."
        )
        self.fields["unaltered"].error_messages["required"] = (
            "Confirm that the person states the footage is unaltered."
        )
        self.fields["clock"].label = "The camera's clock"
        self.fields["notes"].label = "Notes (optional)"
        self.fields["notes"].help_text = ""
