"""Forms for registration and self-service.

A registration is one contact form, one or more site forms and one or more camera forms per
site. `RegistrationForm` holds them together so the same page works without JavaScript:
"add a site" and "add a camera" are submit buttons that re-render the page with one more
empty form, and nothing is validated or stored until the registrant submits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from camreg.web.forms import HoneypotField, UswdsFormMixin

from . import photos, services
from .models import (
    ContactMethod,
    Coverage,
    Placement,
    RecordingMode,
    Registrant,
    RegistrantKind,
    SystemType,
)
from .validators import format_phone, normalize_us_phone

MAX_SITES = 10
MAX_CAMERAS_PER_SITE = 20


class ContactForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Are you registering as a resident or a business?"),
        choices=RegistrantKind.choices,
        widget=forms.RadioSelect,
        initial=RegistrantKind.RESIDENT,
    )
    business_name = forms.CharField(
        label=_("Business name"),
        max_length=200,
        required=False,
        help_text=_("Only for businesses."),
    )
    name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it."),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("With area code, for example (661) 555-0123."),
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


class SiteForm(UswdsFormMixin, forms.Form):
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
        help_text=_("House number and street, for example 1200 Truxtun Ave."),
    )
    unit = forms.CharField(label=_("Apartment, suite or unit"), max_length=50, required=False)
    city = forms.CharField(label=_("City or community"), max_length=100)
    postcode = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        max_length=10,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, for example 93301.")},
    )
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


class CameraForm(UswdsFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(
        label=_("Camera name"),
        max_length=100,
        help_text=_("For example: Front door, Driveway, Back alley."),
    )
    location_description = forms.CharField(
        label=_("Where is it mounted?"),
        max_length=200,
        required=False,
        help_text=_("For example: above the garage, northeast corner."),
    )
    direction = forms.IntegerField(
        label=_("Direction it faces (degrees)"),
        min_value=0,
        max_value=359,
        help_text=_("0 is north, 90 east, 180 south, 270 west."),
        error_messages={
            "invalid": _("Enter a whole number of degrees from 0 to 359."),
            "min_value": _("Enter a whole number of degrees from 0 to 359."),
            "max_value": _("Enter a whole number of degrees from 0 to 359."),
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
        },
    )
    range_m = forms.IntegerField(
        label=_("How far it sees clearly (meters)"),
        min_value=1,
        max_value=500,
        initial=30,
        help_text=_("An estimate is fine: about 15 m for a doorbell, 30 m for most cameras."),
        error_messages={
            "invalid": _("Enter a whole number of meters from 1 to 500."),
            "min_value": _("Enter a whole number of meters from 1 to 500."),
            "max_value": _("Enter a whole number of meters from 1 to 500."),
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
    )
    recording_mode = forms.ChoiceField(
        label=_("When does it record?"),
        choices=RecordingMode.choices,
        widget=forms.RadioSelect,
        initial=RecordingMode.CONTINUOUS,
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
        },
    )
    system_type = forms.ChoiceField(label=_("Type of system"), choices=SystemType.choices)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].widget.attrs["data-role"] = "direction"
        self.fields["field_of_view"].widget.attrs["data-role"] = "field-of-view"
        self.fields["range_m"].widget.attrs["data-role"] = "range"
        self.fields["photo"].widget = forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "class": "usa-file-input"}
        )

    def clean_photo(self):
        """Refuse a photo from its size and header alone; it is decoded in prepare_sites."""
        upload = self.cleaned_data.get("photo")
        if self.photo_refused:
            raise ValidationError(self.photo_refused)
        if upload:
            photos.check(upload)
        return upload


class TermsAcceptanceForm(UswdsFormMixin, forms.Form):
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms and conditions."),
        error_messages={"required": _("Check the box to accept the terms and conditions.")},
    )


@dataclass
class SiteBlock:
    form: SiteForm
    cameras: list[CameraForm] = field(default_factory=list)
    index: int = 0
    # Filled by validation: where the site is and how that was found.
    location: tuple[float, float] | None = None
    location_source: str = ""
    location_error: str = ""
    # Where the map starts for a site already on file (its pin is not in the form).
    map_lat: float | None = None
    map_lon: float | None = None


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value or default)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


class RegistrationForm:
    """The contact form, the sites and their cameras, and (for new registrations) the terms.

    `action` is the button pressed: "submit", "add-site", "add-camera-<site>",
    "remove-site-<site>" or "remove-camera-<site>-<camera>".
    """

    def __init__(
        self,
        data=None,
        files=None,
        *,
        with_terms: bool = True,
        initial: dict | None = None,
    ):
        self.data = data
        self.files = files
        self.is_bound = data is not None
        self.with_terms = with_terms
        self.action = "submit"
        self.honeypot_filled = False
        initial = initial or {}
        if self.is_bound:
            self.action = str(data.get("action", "submit"))[:40]
        bound = self.is_bound
        self.contact = ContactForm(
            data if bound else None, prefix="contact", initial=initial.get("contact")
        )
        self.honeypot = forms.Form(data if bound else None, prefix="contact")
        self.honeypot.fields["website"] = HoneypotField()
        self.terms = (
            TermsAcceptanceForm(data if bound else None, prefix="terms") if with_terms else None
        )
        self.sites: list[SiteBlock] = []
        if bound:
            site_count = _int(data.get("site_count"), 1, 1, MAX_SITES)
            for i in range(site_count):
                camera_count = _int(data.get(f"s{i}-camera_count"), 1, 1, MAX_CAMERAS_PER_SITE)
                block = SiteBlock(form=SiteForm(data, prefix=f"s{i}"), index=i)
                block.cameras = [
                    CameraForm(data, files, prefix=f"s{i}-c{j}") for j in range(camera_count)
                ]
                self.sites.append(block)
        else:
            for i, site_initial in enumerate(initial.get("sites") or [{"cameras": [{}]}]):
                block = SiteBlock(
                    form=SiteForm(prefix=f"s{i}", initial=site_initial.get("site")),
                    index=i,
                    map_lat=site_initial.get("map_lat"),
                    map_lon=site_initial.get("map_lon"),
                )
                block.cameras = [
                    CameraForm(prefix=f"s{i}-c{j}", initial=cam)
                    for j, cam in enumerate(site_initial.get("cameras") or [{}])
                ]
                self.sites.append(block)
        self._apply_action()

    # Structure changes ("add a camera") re-render the page without validating.
    def _apply_action(self) -> None:
        if not self.is_bound or self.action == "submit":
            return
        for form in self._all_forms():
            form.show_errors = False
        parts = self.action.split("-")
        try:
            if self.action == "add-site" and len(self.sites) < MAX_SITES:
                i = len(self.sites)
                block = SiteBlock(form=SiteForm(prefix=f"s{i}"), index=i)
                block.cameras = [CameraForm(prefix=f"s{i}-c0")]
                self.sites.append(block)
            elif parts[:2] == ["add", "camera"]:
                block = self.sites[int(parts[2])]
                if len(block.cameras) < MAX_CAMERAS_PER_SITE:
                    block.cameras.append(CameraForm(prefix=f"s{block.index}-c{len(block.cameras)}"))
            elif parts[:2] == ["remove", "camera"]:
                block = self.sites[int(parts[2])]
                if len(block.cameras) > 1:
                    self._reindex_cameras(block, drop=int(parts[3]))
            elif parts[:2] == ["remove", "site"] and len(self.sites) > 1:
                drop = int(parts[2])
                if 0 <= drop < len(self.sites):
                    self._reindex_sites(drop)
        except (ValueError, IndexError):
            pass
        self.finalize_structure_change()

    def finalize_structure_change(self) -> None:
        for form in self._all_forms():
            form.show_errors = False

    def _reindex_cameras(self, block: SiteBlock, drop: int) -> None:
        kept = [c for j, c in enumerate(block.cameras) if j != drop]
        block.cameras = [
            self._rebind(CameraForm, c, f"s{block.index}-c{j}") for j, c in enumerate(kept)
        ]

    def _reindex_sites(self, drop: int) -> None:
        kept = [b for i, b in enumerate(self.sites) if i != drop]
        self.sites = []
        for i, old in enumerate(kept):
            block = SiteBlock(form=self._rebind(SiteForm, old.form, f"s{i}"), index=i)
            block.cameras = [
                self._rebind(CameraForm, c, f"s{i}-c{j}") for j, c in enumerate(old.cameras)
            ]
            self.sites.append(block)

    def _rebind(self, form_class, old, prefix: str):
        """The same values under a new prefix, as an unbound form showing them as initial."""
        values = {}
        for name, fld in old.fields.items():
            raw = old[name].value()
            if isinstance(fld, forms.FileField):
                continue
            values[name] = raw
        return form_class(prefix=prefix, initial=values)

    def _all_forms(self):
        yield self.contact
        if self.terms is not None:
            yield self.terms
        for block in self.sites:
            yield block.form
            yield from block.cameras

    def cameras_by_id(self) -> dict[int, CameraForm]:
        """Camera forms of cameras already on file, by camera id."""
        found = {}
        for block in self.sites:
            for camera_form in block.cameras:
                try:
                    camera_id = int(camera_form["id"].value() or 0)
                except (TypeError, ValueError):
                    continue
                if camera_id:
                    found[camera_id] = camera_form
        return found

    @property
    def is_structure_change(self) -> bool:
        return self.is_bound and self.action != "submit"

    def is_valid(self) -> bool:
        if not self.is_bound or self.is_structure_change:
            return False
        self.honeypot_filled = bool(
            self.honeypot.is_valid() and self.honeypot.cleaned_data.get("website")
        )
        self._refuse_extra_photos()
        valid = all([form.is_valid() for form in self._all_forms()])
        return valid and not any(block.location_error for block in self.sites)

    def _refuse_extra_photos(self) -> None:
        """At most one photo per camera and PHOTO_MAX_PER_REQUEST in the request, decided from
        the request's list of files before any of them is opened. A request with more photos
        than cameras has a camera with two, or a file for no camera: both are refused."""
        if not self.files:
            return
        cameras = [camera for block in self.sites for camera in block.cameras]
        by_field = {camera.add_prefix("photo"): camera for camera in cameras}
        getlist = getattr(self.files, "getlist", lambda name: [self.files[name]])
        one_each = gettext("Choose one photo for each camera.")
        with_photo = []
        for name in self.files:
            camera = by_field.get(name)
            if camera is None:  # a file no camera asked for
                cameras[0].photo_refused = one_each
            elif len(getlist(name)) > 1:
                camera.photo_refused = one_each
            else:
                with_photo.append(camera)
        limit = settings.PHOTO_MAX_PER_REQUEST
        if sum(len(getlist(name)) for name in self.files) > limit:
            too_many = ngettext(
                "You can add %(count)s photo each time you save. "
                "Add this photo after saving the others.",
                "You can add up to %(count)s photos each time you save. "
                "Add this photo after saving the others.",
                limit,
            ) % {"count": limit}
            # The photos after the first `limit` (any excess beyond them is already refused).
            for camera in [camera for camera in cameras if camera in with_photo][limit:]:
                camera.photo_refused = too_many

    def error_summary(self) -> list[tuple[str, str, str]]:
        if not self.is_bound or self.is_structure_change:
            return []
        items: list[tuple[str, str, str]] = []
        for form in self._all_forms():
            items.extend(form.error_summary())
        return items

    def site_payloads(self) -> list[dict]:
        """Cleaned site and camera data, in order, for the registry services."""
        payloads = []
        for block in self.sites:
            site = dict(block.form.cleaned_data)
            site["cameras"] = [dict(c.cleaned_data) for c in block.cameras]
            payloads.append(site)
        return payloads

    def prepare_sites(self) -> list[dict] | None:
        """Locate every site and re-encode every photo, after is_valid().

        The site payloads for the registry services, or None when a place cannot be located
        or a photo is not an image; the problem is then on the field it concerns. Photos
        are decoded only once every place is located (nothing is saved otherwise), all
        together within one time budget (registry.photos.reencode_many).
        """
        payloads = self.site_payloads()
        ok = True
        with_photo = []
        for block, site in zip(self.sites, payloads, strict=True):
            try:
                lat, lon, source = services.locate_site(site)
            except services.SiteLocationError as exc:
                block.form.add_error(exc.field, exc.message)
                block.location_error = exc.message
                ok = False
            else:
                site.update(latitude=lat, longitude=lon, location_source=source)
            for camera_form, camera in zip(block.cameras, site["cameras"], strict=True):
                upload = camera.pop("photo", None)
                camera["photo_jpeg"] = None
                if upload:
                    with_photo.append((camera_form, camera, upload))
        if not ok:
            return None
        results = photos.reencode_many([upload for _form, _camera, upload in with_photo])
        for (camera_form, camera, _upload), result in zip(with_photo, results, strict=True):
            if isinstance(result, ValidationError):
                camera_form.add_error("photo", result.messages[0])
                ok = False
            else:
                camera["photo_jpeg"] = result
        return payloads if ok else None

    @staticmethod
    def initial_for(registrant: Registrant) -> dict:
        """The form's initial data for editing a registration (portal and console)."""
        contact = {name: getattr(registrant, name) for name in services.CONTACT_FIELDS}
        for name in ("phone", "alternate_phone", "onsite_contact_phone"):
            contact[name] = format_phone(contact[name])
        sites = []
        for site in registrant.sites.prefetch_related("cameras"):
            pinned = site.location_source == "pin"
            site_initial = {
                "id": site.pk,
                "label": site.label,
                "street": site.street,
                "unit": site.unit,
                "city": site.city,
                "postcode": site.postcode,
                "latitude": site.latitude if pinned else None,
                "longitude": site.longitude if pinned else None,
                "pin_placed": pinned,
            }
            cameras = [
                {"id": c.pk, **{name: getattr(c, name) for name in services.CAMERA_FIELDS}}
                for c in site.cameras.all()
            ]
            sites.append(
                {
                    "site": site_initial,
                    "cameras": cameras or [{}],
                    "map_lat": site.latitude,
                    "map_lon": site.longitude,
                }
            )
        return {"contact": contact, "sites": sites or [{"cameras": [{}]}]}


class ManageRequestForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address you registered with"),
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class MovedForm(UswdsFormMixin, forms.Form):
    WITHIN = "within"
    AWAY = "away"
    where = forms.ChoiceField(
        label=_("Where did you move?"),
        choices=[
            (WITHIN, _("Within the area: I will enter my new address and cameras")),
            (AWAY, _("Out of the area: remove me from the program")),
        ],
        widget=forms.RadioSelect,
    )


class LeaveForm(UswdsFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you leaving?"),
        choices=[
            ("left", _("I no longer want to take part")),
            ("no_system", _("I no longer have a camera system")),
            ("moved", _("I moved away")),
        ],
        widget=forms.RadioSelect,
        initial="left",
    )
    confirm = forms.BooleanField(
        label=_("Yes, erase my registration now."),
        error_messages={"required": _("Check the box to confirm that you want to leave.")},
    )
