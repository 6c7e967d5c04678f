"""The console form for creating an API token (the console is in English)."""

from __future__ import annotations

from django import forms

from camreg.accounts.models import AccountKind, User
from camreg.web.forms import UswdsFormMixin


class ServiceAccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({', '.join(obj.role_labels) or 'no role'})"


class TokenForm(UswdsFormMixin, forms.Form):
    account = ServiceAccountChoiceField(
        label="Service account",
        queryset=User.objects.none(),
        help_text=(
            "The API acts with this service account's roles; what the system does is audited "
            "in the service account's name, with the token's id. Tokens are never made for a "
            "person."
        ),
        error_messages={
            "required": "Choose the service account the token acts as.",
            "invalid_choice": "Choose an active service account from the list.",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as the dispatch system that will use it.",
        error_messages={"required": "Enter a name for the token."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = User.objects.filter(
            is_active=True, kind=AccountKind.SERVICE
        ).order_by("full_name", "pk")
