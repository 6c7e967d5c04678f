"""The whole registration form: contact, places and their cameras, held together."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

from camreg.geo.suggestions import Suggestion
from camreg.web.forms import HoneypotField

from .. import photos, services
from ..models import (
    Registrant,
)
from ..validators import format_phone
from . import pending
from .limits import MAX_CAMERAS_PER_SITE, MAX_SITES
from .parts import CameraForm, ContactForm, SiteForm, TermsAcceptanceForm


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
    # Address points like the typed address, when it was not found ("Did you mean ...?").
    suggestions: list[Suggestion] = field(default_factory=list)
    located: bool = False

    @property
    def dom_id(self) -> str:
        return f"site-{self.index}"

    @property
    def add_camera_target(self) -> str:
        """Where "add another camera" brings the person back to: the new camera."""
        if len(self.cameras) < MAX_CAMERAS_PER_SITE:
            return f"camera-{self.index}-{len(self.cameras)}"
        return self.dom_id


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value or default)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


class RegistrationForm:
    """The contact form, the sites and their cameras, and (for new registrations) the terms.

    `action` is the button pressed: "submit", "add-site", "add-camera-<site>",
    "remove-site-<site>" or "remove-camera-<site>-<camera>". After a change of shape, `focus`
    names the fieldset the person was working on (its element id), where the page returns.
    """

    def __init__(
        self,
        data=None,
        files=None,
        *,
        with_terms: bool = True,
        initial: dict | None = None,
    ):
        # A copy the form may add to: pending photo references (forms.pending) and the tidy
        # form of addresses that were found.
        self.data = data.copy() if data is not None else None
        data = self.data
        self.files = files
        self.is_bound = data is not None
        self.focus = ""
        self._located = False
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
        self.decoded: dict = {}
        self._apply_action()
        for block in self.sites:
            for j, camera in enumerate(block.cameras):
                camera.dom_id = f"camera-{block.index}-{j}"
                camera.is_focus = camera.dom_id == self.focus
        if self.is_bound:
            pending.attach(self)

    # Structure changes ("add a camera") re-render the page without validating.
    def _apply_action(self) -> None:
        if not self.is_bound or self.action == "submit":
            return
        for form in self._all_forms():
            form.show_errors = False
        # The photos that came with this request, before any form is renumbered.
        pending.keep_uploads(self)
        parts = self.action.split("-")
        try:
            if self.action == "add-site" and len(self.sites) < MAX_SITES:
                i = len(self.sites)
                block = SiteBlock(form=SiteForm(prefix=f"s{i}"), index=i)
                block.cameras = [CameraForm(prefix=f"s{i}-c0")]
                self.sites.append(block)
                self.focus = block.dom_id
            elif parts[:2] == ["add", "camera"]:
                block = self.sites[int(parts[2])]
                self.focus = block.add_camera_target
                if len(block.cameras) < MAX_CAMERAS_PER_SITE:
                    block.cameras.append(CameraForm(prefix=f"s{block.index}-c{len(block.cameras)}"))
            elif parts[:2] == ["remove", "camera"]:
                block = self.sites[int(parts[2])]
                drop = int(parts[3])
                if len(block.cameras) > 1 and 0 <= drop < len(block.cameras):
                    self._reindex_cameras(block, drop=drop)
                    self.focus = f"camera-{block.index}-{max(drop - 1, 0)}"
            elif parts[:2] == ["remove", "site"] and len(self.sites) > 1:
                drop = int(parts[2])
                if 0 <= drop < len(self.sites):
                    self._reindex_sites(drop)
                    self.focus = f"site-{max(drop - 1, 0)}"
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
        """Every part, in the order of the page (the error summary follows it)."""
        yield self.contact
        for block in self.sites:
            yield block.form
            yield from block.cameras
        if self.terms is not None:
            yield self.terms

    @property
    def add_site_target(self) -> str:
        return f"site-{len(self.sites)}" if len(self.sites) < MAX_SITES else "site-0"

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

    def check(self) -> bool:
        """Validate every field and locate every place, so that every problem is reported
        in one round: an address that cannot be found shows beside a missing phone number."""
        valid = self.is_valid()
        if self.is_structure_change or not self.is_bound:
            return False
        located = self.locate_sites()
        return valid and located

    def locate_sites(self) -> bool:
        """Locate every place whose own fields are valid (once); whether all were located.
        A place found among the address points takes their tidy spelling, in the form too."""
        if self._located:
            return not any(block.location_error for block in self.sites)
        self._located = True
        ok = True
        for block in self.sites:
            if not block.form.is_valid():
                ok = False
                continue
            site = dict(block.form.cleaned_data)
            try:
                located = services.locate_site(site)
            except services.SiteLocationError as exc:
                block.form.add_error(exc.field, exc.message)
                block.location_error = exc.message
                block.suggestions = exc.suggestions
                ok = False
                continue
            block.located = True
            block.location = (located.latitude, located.longitude)
            block.location_source = located.source
            for name, value in located.address.items():
                block.form.cleaned_data[name] = value
                self.data[block.form.add_prefix(name)] = value
        return ok

    def keep_photos(self, checked: dict | None = None) -> None:
        """Keep the photos of this request for the next round (the form goes back to the
        person): see forms.pending."""
        if self.is_bound:
            pending.keep_uploads(self, checked, validated=not self.is_structure_change)
            pending.attach(self)

    def forget_pending_photos(self) -> None:
        """After a save: the pending photos it used or replaced are erased."""
        pending.forget_used(self)

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
        if not self.locate_sites():
            return None
        payloads = self.site_payloads()
        ok = True
        with_photo = []
        for block, site in zip(self.sites, payloads, strict=True):
            lat, lon = block.location or (None, None)
            site.update(latitude=lat, longitude=lon, location_source=block.location_source)
            site.pop("suggestion", None)
            for camera_form, camera in zip(block.cameras, site["cameras"], strict=True):
                upload = camera.pop("photo", None)
                camera["photo_jpeg"] = None
                if upload:
                    with_photo.append((camera_form, camera, upload))
        results = photos.reencode_many([upload for _form, _camera, upload in with_photo])
        for (camera_form, camera, _upload), result in zip(with_photo, results, strict=True):
            self.decoded[camera_form] = result
            if isinstance(result, ValidationError):
                camera_form.add_error("photo", result.messages[0])
                ok = False
            else:
                camera["photo_jpeg"] = result
        for block, site in zip(self.sites, payloads, strict=True):
            for camera_form, camera in zip(block.cameras, site["cameras"], strict=True):
                pending.use(camera_form, camera)
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
