from django import forms
from django.utils.translation import gettext_lazy as _

from camreg.web.forms import UswdsFormMixin


class ConfirmForm(UswdsFormMixin, forms.Form):
    """The one-click confirmation; with newer terms, their acceptance too."""

    accept_terms = forms.BooleanField(
        label=_("I have read and accept the new terms of the program."),
        required=False,
    )

    def __init__(self, *args, needs_terms: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_terms = needs_terms
        if needs_terms:
            field = self.fields["accept_terms"]
            field.required = True
            field.error_messages["required"] = _(
                "Tick the box to accept the new terms, or update your registration instead."
            )
        else:
            del self.fields["accept_terms"]
