"""The small forms of self-service: asking for a link, moving, leaving."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from camreg.web.forms import HoneypotField, UswdsFormMixin


class ManageRequestForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    email = forms.EmailField(
        label=_("Email address you registered with"),
        max_length=254,
        error_messages={
            "invalid": _("Enter an email address like name@example.com."),
            "required": _("Enter the email address you registered with."),
        },
    )
    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class MovedForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    WITHIN = "within"
    AWAY = "away"
    where = forms.ChoiceField(
        label=_("Where did you move?"),
        choices=[
            (WITHIN, _("Within the area: I will enter my new address and cameras")),
            (AWAY, _("Out of the area: remove me from the program")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where you moved.")},
    )


class LeaveForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    reason = forms.ChoiceField(
        label=_("Why are you leaving?"),
        choices=[
            ("left", _("I no longer want to take part")),
            ("no_system", _("I no longer have a camera system")),
            ("moved", _("I moved away")),
        ],
        widget=forms.RadioSelect,
        initial="left",
        error_messages={"required": _("Choose why you are leaving.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, erase my registration now."),
        error_messages={"required": _("Check the box to confirm that you want to leave.")},
    )
