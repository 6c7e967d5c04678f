"""Console forms for canvass cases: what a deputy types, checked before the services run."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from camreg.agency import services as agency_services
from camreg.geo.geocoders import AddressQuery
from camreg.web.forms import UswdsFormMixin

from .limits import PURPOSE_STATEMENT, CanvassError, CanvassLimits, check
from .services import SearchParams

DEFAULT_RADIUS_M = 150
DEFAULT_CORRIDOR_M = 50
DATETIME_INPUT = "%Y-%m-%dT%H:%M"

INCIDENT_TYPES = [
    "Burglary",
    "Robbery",
    "Assault",
    "Shooting",
    "Homicide",
    "Vehicle theft",
    "Hit and run",
    "Vandalism",
    "Missing person",
]

WHERE_CHOICES = [
    ("address", "An address"),
    ("point", "A point on the map or typed latitude and longitude"),
    ("polygon", "An area drawn on the map"),
    ("route", "A route (a line, such as a suspect's path)"),
]

# Which form field each limit or search problem belongs to.
FIELD_OF_CODE = {
    "case_number_missing": "case_number",
    "case_number_invalid": "case_number",
    "time_window_too_short": "end",
    "time_window_too_long": "end",
    "time_window_invalid": "end",
    "time_invalid": "start",
    "radius_too_large": "radius_m",
    "radius_invalid": "radius_m",
    "polygon_too_large": "polygon",
    "route_too_long": "route",
    "corridor_too_wide": "corridor_width_m",
    "corridor_width_invalid": "corridor_width_m",
    "purpose_statement_missing": "purpose",
    "incident_type_missing": "incident_type",
}


class ShapeError(ValueError):
    pass


def parse_shape(text: str, kind: str) -> dict:
    """A GeoJSON Polygon or LineString from pasted GeoJSON (a geometry, a Feature or a
    FeatureCollection with one feature) or from typed lines of "latitude, longitude"."""
    text = (text or "").strip()
    expected = "Polygon" if kind == "polygon" else "LineString"
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ShapeError("This is not valid GeoJSON.") from error
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            features = data.get("features") or []
            if len(features) != 1:
                raise ShapeError("Paste exactly one shape.")
            data = features[0]
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        if not isinstance(data, dict) or data.get("type") != expected:
            raise ShapeError(f"Paste a GeoJSON {expected}.")
        return {"type": expected, "coordinates": data.get("coordinates")}
    points = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[,\s;]+", line) if p]
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError as error:
            raise ShapeError(
                f"Line {number} is not a latitude and longitude such as 35.3733, -119.0187."
            ) from error
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ShapeError(f"Line {number}: the latitude or longitude is out of range.")
        points.append([lon, lat])
    if kind == "polygon":
        if len(points) < 3:
            raise ShapeError("An area needs at least three corners, one per line.")
        if points[0] != points[-1]:
            points.append(points[0])
        return {"type": "Polygon", "coordinates": [points]}
    if len(points) < 2:
        raise ShapeError("A route needs at least two points, one per line.")
    return {"type": "LineString", "coordinates": points}


class CaseForm(UswdsFormMixin, forms.Form):
    case_number = forms.CharField(label="Case number", max_length=60)
    incident_type = forms.CharField(
        label="Incident type",
        max_length=100,
        help_text="For example Burglary, Robbery or Hit and run.",
        widget=forms.TextInput(attrs={"list": "incident-types", "autocomplete": "off"}),
    )
    where = forms.ChoiceField(
        label="Where did it happen?",
        choices=WHERE_CHOICES,
        initial="address",
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label="Address",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        min_value=-90,
        max_value=90,
        help_text="Decimal degrees, for example 35.3733. Selecting a point on the map fills it.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        min_value=-180,
        max_value=180,
        help_text="Decimal degrees, for example -119.0187.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    radius_m = forms.IntegerField(
        label="Search radius (meters)",
        required=False,
        min_value=1,
        initial=DEFAULT_RADIUS_M,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    polygon = forms.CharField(
        label="Area corners",
        required=False,
        help_text="Draw the area on the map, or type one corner per line as "
        '"latitude, longitude", or paste a GeoJSON Polygon.',
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
    route = forms.CharField(
        label="Route points",
        required=False,
        help_text="Draw the route on the map, or type one point per line as "
        '"latitude, longitude" in the order travelled, or paste a GeoJSON LineString.',
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
    corridor_width_m = forms.IntegerField(
        label="Corridor width (meters)",
        required=False,
        min_value=1,
        initial=DEFAULT_CORRIDOR_M,
        help_text="The full width searched along the route.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    start = forms.DateTimeField(
        label="Start",
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    end = forms.DateTimeField(
        label="End",
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    purpose = forms.BooleanField(label="I confirm this statement", help_text=PURPOSE_STATEMENT)

    def __init__(
        self, *args, limits: CanvassLimits, time_zone: str, may_override=False, case=None, **kw
    ):
        super().__init__(*args, **kw)
        example = agency_services.current().example_address
        self.fields["address"].help_text = "Street address, city and ZIP code" + (
            f", for example {example}." if example else "."
        )
        # With `case`: another search of that case, whose number, incident type and purpose
        # statement it takes; only the place and the times are asked.
        self.case = case
        if case is not None:
            for name in ("case_number", "incident_type", "purpose"):
                del self.fields[name]
        self.limits = limits
        self.time_zone = time_zone
        self.may_override = may_override
        self.matched_address = ""
        self.scene_params: SearchParams | None = None
        # Limits a supervisor will be asked to override on the case page.
        self.overridable: list = []
        example = limits.case_number_example
        if example and case is None:
            self.fields["case_number"].help_text = f"In the agency's format, for example {example}."
        tz_label = time_zone.replace("_", " ")
        for name in ("start", "end"):
            self.fields[name].help_text = f"Date and time in {tz_label} time."
        if limits.max_radius_m:
            self.fields[
                "radius_m"
            ].help_text = f"Default {DEFAULT_RADIUS_M} m; at most {limits.max_radius_m:g} m."
            self.fields["radius_m"].widget.attrs["max"] = str(int(limits.max_radius_m))
        if limits.max_corridor_width_m:
            self.fields[
                "corridor_width_m"
            ].help_text += f" At most {limits.max_corridor_width_m:g} m."

    def full_clean(self) -> None:
        # Dates and times are typed in the agency's time zone.
        with timezone.override(ZoneInfo(self.time_zone)):
            super().full_clean()

    def clean_case_number(self) -> str:
        value = self.cleaned_data["case_number"].strip()
        pattern = self.limits.case_number_pattern
        if pattern and not re.fullmatch(pattern, value):
            example = self.limits.case_number_example
            raise forms.ValidationError(
                f"{value} is not in the agency's format"
                + (f", for example {example}." if example else ".")
            )
        return value

    def clean(self):
        data = super().clean()
        where = data.get("where")
        values: dict = {}
        if where == "address":
            address = (data.get("address") or "").strip()
            if not address:
                self.add_error("address", "Enter the address of the incident.")
            else:
                found = agency_services.geocode(AddressQuery.from_text(address))
                if found is None:
                    self.add_error(
                        "address",
                        "We could not find this address. Check the street, city and ZIP "
                        "code, or enter the place as a point on the map.",
                    )
                else:
                    self.matched_address = found.matched_address or address
                    values.update(latitude=found.latitude, longitude=found.longitude)
            values["radius_m"] = self._radius(data)
        elif where == "point":
            for name in ("latitude", "longitude"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(
                        name, f"Enter the {name} of the scene, or select the point on the map."
                    )
            values.update(latitude=data.get("latitude"), longitude=data.get("longitude"))
            values["radius_m"] = self._radius(data)
        elif where in ("polygon", "route"):
            text = data.get(where) or ""
            if not text.strip():
                what = "area" if where == "polygon" else "route"
                self.add_error(where, f"Draw the {what} on the map or type its points.")
            else:
                try:
                    values[where] = parse_shape(text, where)
                except ShapeError as error:
                    self.add_error(where, str(error))
            if where == "route":
                width = data.get("corridor_width_m")
                if width is None and "corridor_width_m" not in self.errors:
                    self.add_error("corridor_width_m", "Enter the width of the corridor.")
                values["corridor_width_m"] = width
        if self.errors:
            return data
        if self.case is not None:
            case_number = self.case.case_number
            purpose = self.case.purpose_statement
            incident_type = self.case.incident_type
        else:
            case_number = data["case_number"]
            purpose = PURPOSE_STATEMENT if data.get("purpose") else ""
            incident_type = data.get("incident_type", "")
        params = SearchParams(
            case_number=case_number,
            start=data["start"],
            end=data["end"],
            purpose_statement=purpose,
            incident_type=incident_type,
            **values,
        )
        try:
            params.check_times()
            scene = params.scene()
        except CanvassError as error:
            self.add_error(FIELD_OF_CODE.get(error.code, where), error.message)
            return data
        for violation in check(
            self.limits,
            case_number=params.case_number,
            start=params.start,
            end=params.end,
            scene=scene,
            purpose_statement=params.purpose_statement,
        ):
            if violation.overridable and self.may_override:
                self.overridable.append(violation)
                continue
            self.add_error(FIELD_OF_CODE.get(violation.code), violation.message)
        self.scene_params = params
        return data

    def place_data(self) -> dict:
        """The place and times as typed, to carry into another form (hidden inputs)."""
        names = (
            "where",
            "address",
            "latitude",
            "longitude",
            "radius_m",
            "polygon",
            "route",
            "corridor_width_m",
            "start",
            "end",
        )
        return {name: self.data.get(name, "") for name in names}

    def _radius(self, data) -> int | None:
        radius = data.get("radius_m")
        if radius is None and "radius_m" not in self.errors:
            return DEFAULT_RADIUS_M
        return radius


class OverrideForm(UswdsFormMixin, forms.Form):
    override_reason = forms.CharField(
        label="Reason for exceeding the limit",
        max_length=1000,
        help_text="Say why this search must be larger than the agency's limits. "
        "The reason is kept in the audit log.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
