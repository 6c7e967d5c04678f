"""Program settings forms (console, English only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from camreg.agency import services
from camreg.agency.models import Agency, ConfirmMode
from camreg.geo.states import parse_codes
from camreg.outreach import email_texts
from camreg.web.forms import UswdsFormMixin


class ProfileForm(UswdsFormMixin, forms.ModelForm):
    logo_file = forms.FileField(
        label="New logo",
        required=False,
        help_text=(
            "A PNG or JPEG image up to 5 MB. It is re-encoded (metadata removed) and scaled "
            "to at most 1024 pixels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    website = forms.URLField(
        label="Agency website", required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Agency
        fields = services.PROFILE_FIELDS
        labels = {
            "name": "Agency name",
            "name_es": "Agency name in Spanish",
            "short_name": "Short name",
            "program_name": "Program name",
            "program_name_es": "Program name in Spanish",
            "contact_email": "Program contact email",
            "contact_phone": "Program contact phone",
            "website": "Agency website",
            "address": "Postal address",
            "time_zone": "Time zone",
            "jurisdiction_name": "Name of the jurisdiction",
            "states": "State",
        }
        help_texts = {
            "short_name": "Shown in the page header, for example KCSO.",
            "contact_email": "Registrants see it on every page and in every email.",
            "time_zone": "Times in the console and in emails are shown in this time zone.",
            "jurisdiction_name": (
                "The area the boundary covers, as people name it, for example Kern County."
            ),
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.logo_data: tuple[bytes, str] | None = None
        if not (self.instance and self.instance.logo):
            del self.fields["remove_logo"]

    def clean_states(self) -> str:
        try:
            return ",".join(parse_codes(self.cleaned_data["states"]))
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def clean_logo_file(self):
        uploaded = self.cleaned_data.get("logo_file")
        if uploaded:
            self.logo_data = services.reencode_logo(uploaded)
        return uploaded


class BoundaryForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="Boundary file (GeoJSON)",
        help_text=(
            "A GeoJSON Polygon or MultiPolygon in longitude/latitude (WGS84): a bare geometry, "
            "a Feature, or a FeatureCollection with one Feature. Up to 10 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > services.BOUNDARY_MAX_BYTES:
            raise ValidationError("The file is larger than 10 MB; simplify the boundary first.")
        uploaded.seek(0)
        self.geometry = services.parse_boundary(uploaded.read())
        return uploaded


def _language_names() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class TermsForm(UswdsFormMixin, forms.Form):
    """Title and text of a terms version in every language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in _language_names():
            attrs = {"lang": code}
            self.fields[f"{code}_title"] = forms.CharField(
                label=f"Title ({name})",
                max_length=200,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"{code}_body"] = forms.CharField(
                label=f"Text ({name})",
                help_text="Plain text. A blank line starts a new paragraph.",
                widget=forms.Textarea(attrs={**attrs, "rows": 16}),
                strip=True,
            )

    @staticmethod
    def initial_from(version) -> dict[str, str]:
        initial: dict[str, str] = {}
        if version is None:
            return initial
        for text in version.texts.all():
            initial[f"{text.language}_title"] = text.title
            initial[f"{text.language}_body"] = text.body
        return initial

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            code: {
                "title": self.cleaned_data[f"{code}_title"],
                "body": self.cleaned_data[f"{code}_body"],
            }
            for code, _name in _language_names()
        }


class EmailTextForm(UswdsFormMixin, forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=email_texts.SUBJECT_MAX_LENGTH,
        help_text="One line; it may use the variables listed above.",
    )
    body_text = forms.CharField(
        label="Text",
        max_length=email_texts.BODY_MAX_LENGTH,
        help_text=(
            "Plain text with the variables listed above. The footer with the program's "
            "contact details is added below it."
        ),
        widget=forms.Textarea(attrs={"rows": 18}),
        strip=False,
    )

    def __init__(self, *args, key: str, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.key, self.language = key, language
        self.rendered: dict[str, str] | None = None
        for field in self.fields.values():
            field.widget.attrs["lang"] = language

    def clean(self):
        cleaned = super().clean()
        subject, body = cleaned.get("subject"), cleaned.get("body_text")
        if subject is None or body is None:
            return cleaned
        body = body.replace("\r\n", "\n")
        cleaned["body_text"] = body
        try:
            self.rendered = email_texts.validate(self.key, self.language, subject, body)
        except email_texts.EmailTextError as exc:
            self.add_error(exc.field, exc.message)
        return cleaned


class ConfirmModeForm(UswdsFormMixin, forms.Form):
    confirm_mode = forms.ChoiceField(
        label="After a registrant verifies their email address",
        choices=[
            (
                ConfirmMode.REVIEW,
                "Review: a staff member confirms each registration (the confirmation email "
                "goes out then)",
            ),
            (
                ConfirmMode.AUTOMATIC,
                "Automatic: the registration is confirmed at once and the confirmation email "
                "goes out",
            ),
        ],
        widget=forms.RadioSelect,
    )


class LimitsForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Agency
        fields = services.LIMIT_FIELDS
        widgets = {
            "canvass_max_area_sq_miles": forms.NumberInput(attrs={"step": "any"}),
            "case_number_pattern": forms.TextInput(
                attrs={"spellcheck": "false", "autocomplete": "off", "class": "usa-input"}
            ),
        }
        # Meters, as stored, with the feet people here think in (issue 10).
        help_texts = {
            "canvass_max_radius_m": (
                "Between 10 and 10,000 meters (33 to 32,808 ft); 640 m (2,100 ft) is a circle "
                "of about 0.5 square miles."
            ),
            "canvass_max_route_length_m": "Between 100 and 100,000 meters (328 to 328,084 ft).",
            "canvass_max_corridor_width_m": (
                "The full width of the corridor along a route, between 10 and 2,000 meters "
                "(33 to 6,562 ft)."
            ),
        }
