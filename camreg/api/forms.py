"""The console form for creating an API token (the console is in English)."""

from __future__ import annotations

from django import forms

from camreg.accounts.models import User
from camreg.web.forms import UswdsFormMixin


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class TokenForm(UswdsFormMixin, forms.Form):
    user = StaffChoiceField(
        label="Staff member",
        queryset=User.objects.none(),
        help_text="The API acts with this person's roles; the searches are audited in their name.",
        error_messages={"required": "Choose the staff member the token acts for."},
    )
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as the dispatch system that will use it.",
        error_messages={"required": "Enter a name for the token."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by(
            "full_name", "email"
        )
