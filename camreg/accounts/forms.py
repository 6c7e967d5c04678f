"""Forms for staff sign-in and staff administration (the console is in English)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from camreg.web.forms import UswdsFormMixin

from .models import User
from .roles import SERVICE_ACCOUNT_ROLES, Role

EMAIL_ERRORS = {"invalid": "Enter an email address like name@example.org."}


class SignInForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(UswdsFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text=(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class EnrolForm(UswdsFormMixin, forms.Form):
    code = forms.CharField(
        label="6-digit code from the app",
        max_length=20,
        help_text="After adding the account, type the code the app shows for it.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordResetRequestForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        help_text="The address you sign in with.",
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )


class NewPasswordForm(UswdsFormMixin, forms.Form):
    """A new password, twice, checked by the password validators (12+ characters, ...)."""

    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=4096,
        help_text=(
            "At least 12 characters. Not a common password, not only digits, and not close "
            "to your name or email address. A few unrelated words make a good one."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="New password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords are not the same.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned

    @property
    def password(self) -> str:
        return self.cleaned_data["new_password1"]


def _role_field(
    choices=Role.choices, help_text: str = "Give only the roles this person's work needs."
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": "Choose at least one role."},
    )


SERVICE_ROLE_CHOICES = [(r, Role(r).label) for r in SERVICE_ACCOUNT_ROLES]
SERVICE_ROLE_HELP = (
    "Only the roles whose work the API does. The system can search the registry around an "
    "incident and request footage; a supervisor's role also lets it exceed the canvass limits "
    "with a written reason."
)


class InviteForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(label="Email address", max_length=254, error_messages=EMAIL_ERRORS)
    full_name = forms.CharField(label="Full name", max_length=200)
    roles = _role_field()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A staff account with this email address already exists.")
        return email


class RolesForm(UswdsFormMixin, forms.Form):
    roles = _role_field()

    def __init__(self, *args, service_account: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if service_account:
            self.fields["roles"] = _role_field(SERVICE_ROLE_CHOICES, SERVICE_ROLE_HELP)


class ServiceAccountForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text='The system that will call the API, such as "Kern CAD dispatch".',
        error_messages={"required": "Enter the name of the system."},
    )
    roles = _role_field(SERVICE_ROLE_CHOICES, SERVICE_ROLE_HELP)


class DeactivateForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        required=False,
        help_text="For example: left the agency, changed assignment.",
    )
