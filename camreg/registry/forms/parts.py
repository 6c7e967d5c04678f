"""The parts of a registration: contact, one place, one camera, the terms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from camreg.agency import services as agency_services
from camreg.web.forms import UswdsFormMixin

from .. import photos, units
from ..models import (
    ContactMethod,
    Coverage,
    Placement,
    RecordingMode,
    RegistrantKind,
    SystemType,
)
from ..validators import normalize_us_phone


def _required(message) -> dict:
    return {"required": message}


class ContactForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    kind = forms.ChoiceField(
        label=_("Are you registering as a resident or a business?"),
        choices=RegistrantKind.choices,
        widget=forms.RadioSelect,
        initial=RegistrantKind.RESIDENT,
        error_messages=_required(_("Choose whether you register as a resident or a business.")),
    )
    business_name = forms.CharField(
        label=_("Business name"),
        max_length=200,
        required=False,
        help_text=_("Only for businesses."),
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages=_required(_("Enter your full name.")),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it."),
        error_messages={
            "invalid": _("Enter an email address like name@example.com."),
            "required": _("Enter your email address."),
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("With area code, for example (661) 555-0123."),
        error_messages=_required(_("Enter a phone number with its area code.")),
    )
    alternate_phone = forms.CharField(label=_("Other phone number"), max_length=40, required=False)
    onsite_contact_name = forms.CharField(
        label=_("On-site contact name"),
        max_length=200,
        required=False,
        help_text=_("For businesses: who deputies can ask for at the site."),
    )
    onsite_contact_phone = forms.CharField(
        label=_("On-site contact phone"), max_length=40, required=False
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should deputies contact you?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=ContactMethod.EMAIL,
        error_messages=_required(_("Choose how deputies should contact you.")),
    )
    contact_hours = forms.CharField(
        label=_("Best hours to reach you"),
        max_length=200,
        required=False,
        help_text=_("For example: weekdays after 5 pm."),
    )
    language = forms.ChoiceField(
        label=_("Language for email and calls"),
        choices=[("en", "English"), ("es", "Español")],
        error_messages=_required(_("Choose the language for email and calls.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["alternate_phone"].widget.attrs.update(inputmode="tel")
        self.fields["onsite_contact_phone"].widget.attrs.update(inputmode="tel")
        self.fields["business_name"].widget.attrs.update(autocomplete="organization")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        return normalize_us_phone(self.cleaned_data["phone"])

    def clean_alternate_phone(self) -> str:
        return normalize_us_phone(self.cleaned_data["alternate_phone"])

    def clean_onsite_contact_phone(self) -> str:
        return normalize_us_phone(self.cleaned_data["onsite_contact_phone"])

    def clean(self):
        data = super().clean()
        if data.get("kind") == RegistrantKind.BUSINESS and not data.get("business_name"):
            self.add_error(
                "business_name", gettext("Enter the business name, or choose “Resident”.")
            )
        if data.get("preferred_contact") == ContactMethod.TEXT and not data.get("phone"):
            self.add_error("phone", gettext("Enter a phone number that can receive texts."))
        return data


def _address_examples(form: forms.Form) -> None:
    """The address fields' help: the agency's example address (its profile's), field by
    field; a field without an example says what it wants without one."""
    agency = agency_services.current_or_none()
    street = agency.address_example_street if agency else ""
    city = agency.address_example_city if agency else ""
    postcode = agency.address_example_postcode if agency else ""
    fields = form.fields
    fields["street"].help_text = (
        format_lazy(_("House number and street, for example {example}."), example=street)
        if street
        else _("House number and street.")
    )
    fields["city"].help_text = (
        format_lazy(_("For example {example}."), example=city) if city else ""
    )
    fields["postcode"].error_messages["invalid"] = (
        format_lazy(_("Enter a 5-digit ZIP code, for example {example}."), example=postcode)
        if postcode
        else _("Enter the 5-digit ZIP code.")
    )


class SiteForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(
        label=_("Name for this place"),
        max_length=100,
        required=False,
        help_text=_("For example: Home, Store, Warehouse."),
    )
    street = forms.CharField(
        label=_("Street address"),
        max_length=200,
        error_messages=_required(_("Enter the street address: house number and street.")),
    )
    unit = forms.CharField(label=_("Apartment, suite or unit"), max_length=50, required=False)
    city = forms.CharField(
        label=_("City or community"),
        max_length=100,
        error_messages=_required(_("Enter the city or community.")),
    )
    postcode = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        max_length=10,
        error_messages={"required": _("Enter the 5-digit ZIP code.")},
    )
    # The address point chosen among "Did you mean ...?" suggestions (their radio buttons).
    suggestion = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        error_messages={
            key: _("Enter a number between -90 and 90.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        error_messages={
            key: _("Enter a number between -180 and 180.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    # Set by the map script when the registrant drags the pin.
    pin_placed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _address_examples(self)
        self.fields["street"].widget.attrs.update(autocomplete="address-line1")
        self.fields["unit"].widget.attrs.update(autocomplete="address-line2")
        self.fields["city"].widget.attrs.update(autocomplete="address-level2")
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", inputmode="numeric")
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update(step="any", inputmode="decimal")
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["class"] = "usa-input site-coordinate"
        self.fields["latitude"].widget.attrs["data-role"] = "latitude"
        self.fields["longitude"].widget.attrs["data-role"] = "longitude"
        self.fields["pin_placed"].widget.attrs["data-role"] = "pin-placed"

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (
            (lat is None) != (lon is None)
            and not self.errors.get("latitude")
            and not self.errors.get("longitude")
        ):
            missing = "latitude" if lat is None else "longitude"
            self.add_error(missing, gettext("Enter both latitude and longitude, or neither."))
        return data


class CompassField(forms.IntegerField):
    """Degrees, typed as a number ("90") or as a compass point ("E", "ne"; Spanish "NO")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        degrees = units.parse_direction(value)
        if degrees is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return degrees

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        attrs.update(list="compass-points", autocomplete="off", spellcheck="false")
        return attrs


class CameraForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A photo chosen before the form changed shape, kept on the server (pending_photos).
    pending_photo = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(
        label=_("Camera name"),
        max_length=100,
        help_text=_("For example: Front door, Driveway, Back alley."),
        error_messages=_required(_("Enter a name for the camera, for example Front door.")),
    )
    location_description = forms.CharField(
        label=_("Where is it mounted?"),
        max_length=200,
        required=False,
        help_text=_("For example: above the garage, northeast corner."),
    )
    direction = CompassField(
        label=_("Direction it faces"),
        min_value=0,
        max_value=359,
        help_text=_(
            "A compass point such as NE, or degrees: 0 is north, 90 east, 180 south, 270 west."
        ),
        error_messages={
            "invalid": _(
                "Enter a compass point such as NE, or a whole number of degrees from 0 to 359."
            ),
            "min_value": _("Enter a whole number of degrees from 0 to 359."),
            "max_value": _("Enter a whole number of degrees from 0 to 359."),
            "required": _(
                "Enter the direction the camera faces: a compass point such as NE, or degrees "
                "from 0 to 359."
            ),
        },
    )
    field_of_view = forms.IntegerField(
        label=_("Field of view (degrees)"),
        min_value=1,
        max_value=360,
        initial=90,
        help_text=_("How wide it sees: about 90 for most cameras, up to 180 for fisheye."),
        error_messages={
            "invalid": _("Enter a whole number of degrees from 1 to 360."),
            "min_value": _("Enter a whole number of degrees from 1 to 360."),
            "max_value": _("Enter a whole number of degrees from 1 to 360."),
            "required": _("Enter how wide the camera sees, in degrees from 1 to 360."),
        },
    )
    # Feet on the form; meters are stored (clean() adds range_m).
    range_ft = forms.IntegerField(
        label=_("How far it sees clearly (feet)"),
        min_value=3,
        max_value=1640,
        initial=100,
        help_text=_("An estimate is fine: about 50 ft for a doorbell, 100 ft for most cameras."),
        error_messages={
            "invalid": _("Enter a whole number of feet from 3 to 1,640."),
            "min_value": _("Enter a whole number of feet from 3 to 1,640."),
            "max_value": _("Enter a whole number of feet from 3 to 1,640."),
            "required": _("Enter how far the camera sees clearly, in feet."),
        },
    )
    coverage = forms.MultipleChoiceField(
        label=_("What does it show?"),
        choices=Coverage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    placement = forms.ChoiceField(
        label=_("Indoor or outdoor"),
        choices=Placement.choices,
        widget=forms.RadioSelect,
        initial=Placement.OUTDOOR,
        error_messages=_required(_("Choose whether the camera is indoors or outdoors.")),
    )
    recording_mode = forms.ChoiceField(
        label=_("When does it record?"),
        choices=RecordingMode.choices,
        widget=forms.RadioSelect,
        initial=RecordingMode.CONTINUOUS,
        error_messages=_required(_("Choose when the camera records.")),
    )
    retention_days = forms.IntegerField(
        label=_("How many days does it keep video?"),
        min_value=0,
        max_value=365,
        help_text=_("Enter 0 if it does not record."),
        error_messages={
            "invalid": _("Enter a whole number of days from 0 to 365."),
            "min_value": _("Enter a whole number of days from 0 to 365."),
            "max_value": _("Enter a whole number of days from 0 to 365."),
            "required": _(
                "Enter how many days the camera keeps video, from 0 to 365 (0 if it does not "
                "record)."
            ),
        },
    )
    system_type = forms.ChoiceField(
        label=_("Type of system"),
        choices=SystemType.choices,
        error_messages=_required(_("Choose the type of system.")),
    )
    brand = forms.CharField(label=_("Brand"), max_length=100, required=False)
    owner_can_export = forms.BooleanField(
        label=_("I can save and send video clips myself"), required=False
    )
    photo = forms.FileField(
        label=_("Photo of what the camera sees"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 10 MB and 12 megapixels. "
            "Location data in the photo is removed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    # Set by RegistrationForm before validation when the request breaks a rule about photos
    # (one per camera, PHOTO_MAX_PER_REQUEST in all): the photo field's error.
    photo_refused = ""
    # Set by RegistrationForm: the fieldset's element id, and whether the page returns to it.
    dom_id = ""
    is_focus = False
    # The pending photo kept for this camera (forms.pending), and why a photo chosen while
    # the form changed shape could not be kept.
    pending = None
    photo_notice = ""

    # What must be filled before a camera's details fold away behind their summary.
    FILLED = ("label", "direction", "retention_days", "system_type")

    @property
    def compass_readout(self) -> str:
        """The compass point of the direction in the field ("E (90°)"), shown beside it."""
        return units.compass_label(units.parse_direction(self["direction"].value()))

    @property
    def collapsed(self) -> bool:
        """Whether the page shows this camera folded (its summary only): once its details
        are filled, without a problem, and when it is not the camera being worked on."""
        if self.is_focus or self.photo_notice:
            return False
        if self.is_bound and self.show_errors and self.errors:
            return False
        return all(str(self[name].value() or "").strip() for name in self.FILLED)

    @property
    def summary(self) -> str:
        """One line about the camera, for its folded details."""
        label = str(self["label"].value() or "").strip()
        direction = units.parse_direction(self["direction"].value())
        try:
            days = int(self["retention_days"].value())
        except (TypeError, ValueError):
            return label
        if direction is None:
            return label
        return ngettext(
            "%(label)s: faces %(direction)s, keeps video %(days)s day",
            "%(label)s: faces %(direction)s, keeps video %(days)s days",
            days,
        ) % {"label": label, "direction": units.compass_label(direction), "days": days}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].widget.attrs["data-role"] = "direction"
        self.fields["field_of_view"].widget.attrs["data-role"] = "field-of-view"
        self.fields["range_ft"].widget.attrs.update({"data-role": "range", "data-unit": "ft"})
        # The form shows feet; what is on file (and callers' initial data) is in meters.
        if "range_m" in self.initial and "range_ft" not in self.initial:
            self.initial["range_ft"] = units.meters_to_feet(self.initial["range_m"])
        self.fields["photo"].widget = forms.FileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "class": "usa-file-input",
                # USWDS's message for a file of another type, in the page's language.
                "data-errormessage": gettext("Choose a photo: a JPEG, PNG or WebP file."),
            }
        )

    def clean(self):
        data = super().clean()
        if data.get("range_ft") is not None:
            data["range_m"] = min(500, units.feet_to_meters(data["range_ft"]))
        return data

    def clean_photo(self):
        """Refuse a photo from its size and header alone; it is decoded in prepare_sites."""
        upload = self.cleaned_data.get("photo")
        if self.photo_refused:
            raise ValidationError(self.photo_refused)
        if upload:
            photos.check(upload)
        return upload


class TermsAcceptanceForm(UswdsFormMixin, forms.Form):
    errors_as_sentences = True
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms and conditions."),
        error_messages={"required": _("Check the box to accept the terms and conditions.")},
    )
