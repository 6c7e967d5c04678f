"""The agency that runs the program: everything that differs between agencies."""

import re
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from camreg.geo.states import parse_codes


class ConfirmMode(models.TextChoices):
    REVIEW = "review", _("A staff member reviews each registration")
    AUTOMATIC = "automatic", _("Registrations are confirmed once the email is verified")


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(available_timezones())]


# KCSO case numbers: "KC", the four-digit year, a hyphen and six digits (KC2026-001234).
DEFAULT_CASE_NUMBER_PATTERN = r"^KC\d{4}-\d{6}$"
DEFAULT_CASE_NUMBER_EXAMPLE = "KC2026-001234"


def validate_regex(value: str) -> None:
    """A regular expression Python can compile (case numbers are matched in full)."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            "This is not a valid regular expression (%(problem)s).",
            code="invalid_regex",
            params={"problem": str(exc)},
        ) from exc


def validate_states(value: str) -> None:
    """Two-letter U.S. state codes separated by commas ("CA", "CA, NV")."""
    try:
        codes = parse_codes(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_state") from exc
    if not codes:
        raise ValidationError(
            "Enter the two-letter code of the state, such as CA.", code="invalid_state"
        )


def _range(low, high) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


class Agency(models.Model):
    """One row: the agency running this installation (see agency.services.current)."""

    name = models.CharField(max_length=200)
    name_es = models.CharField(
        "name in Spanish",
        max_length=200,
        blank=True,
        help_text="Shown on pages in Spanish; when empty, the name is shown.",
    )
    short_name = models.CharField(max_length=40)
    program_name = models.CharField(max_length=200)
    program_name_es = models.CharField(
        "program name in Spanish",
        max_length=200,
        blank=True,
        help_text="Shown on pages and in emails in Spanish; when empty, the program name is shown.",
    )
    logo = models.FileField(upload_to="agency/", blank=True)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    # A real address in the jurisdiction, shown to residents as an example on the
    # registration form's address fields (each one left empty shows no example there).
    address_example_street = models.CharField(
        "example street address",
        max_length=100,
        blank=True,
        help_text=(
            "House number and street of a real address in the jurisdiction, shown to residents "
            "as an example on the registration form, for example 1701 Ming Ave."
        ),
    )
    address_example_city = models.CharField(
        "example city or community",
        max_length=100,
        blank=True,
        help_text="Its city or community, for example Bakersfield.",
    )
    address_example_postcode = models.CharField(
        "example ZIP code",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a 5-digit ZIP code.")],
        help_text="Its ZIP code, for example 93304.",
    )
    time_zone = models.CharField(max_length=64, choices=_time_zone_choices)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS84 longitude/latitude.
    boundary = models.JSONField()
    # The area the boundary covers, as people name it ("Kern County").
    jurisdiction_name = models.CharField(max_length=200)
    # The state(s) the jurisdiction lies in: addresses elsewhere are not looked up.
    states = models.CharField(
        "state",
        max_length=200,
        validators=[validate_states],
        help_text=(
            "The two-letter code of the state the jurisdiction lies in, such as CA "
            "(several separated by commas)."
        ),
    )
    confirm_mode = models.CharField(
        max_length=20, choices=ConfirmMode.choices, default=ConfirmMode.REVIEW
    )

    # Canvass limits (a supervisor may exceed them with a written reason).
    case_number_pattern = models.CharField(
        "case number format",
        max_length=200,
        default=DEFAULT_CASE_NUMBER_PATTERN,
        validators=[validate_regex],
        help_text=(
            "A regular expression every case number must match in full, for example "
            "^KC\\d{4}-\\d{6}$ (KC, the year, a hyphen and six digits)."
        ),
    )
    case_number_example = models.CharField(
        "example case number",
        max_length=60,
        default=DEFAULT_CASE_NUMBER_EXAMPLE,
        help_text="Shown to deputies next to the case number field; must match the format.",
    )
    canvass_min_window_minutes = models.PositiveIntegerField(
        "shortest search time window (minutes)",
        default=15,
        validators=_range(1, 1440),
        help_text="Between 1 and 1,440 minutes (one day).",
    )
    canvass_max_window_minutes = models.PositiveIntegerField(
        "longest search time window (minutes)",
        default=720,
        validators=_range(1, 10080),
        help_text="Between 1 and 10,080 minutes (one week); 720 is 12 hours.",
    )
    canvass_max_radius_m = models.PositiveIntegerField(
        "largest search circle radius (meters)",
        default=640,
        validators=_range(10, 10000),
        help_text="Between 10 and 10,000 meters; 640 m is about 0.5 square miles.",
    )
    canvass_max_area_sq_miles = models.FloatField(
        "largest search polygon (square miles)",
        default=0.5,
        validators=_range(0.01, 50),
        help_text="Between 0.01 and 50 square miles.",
    )
    canvass_max_route_length_m = models.PositiveIntegerField(
        "longest search route (meters)",
        default=5000,
        validators=_range(100, 100000),
        help_text="Between 100 and 100,000 meters.",
    )
    canvass_max_corridor_width_m = models.PositiveIntegerField(
        "widest route corridor (meters)",
        default=150,
        validators=_range(10, 2000),
        help_text="The full width of the corridor along a route, between 10 and 2,000 meters.",
    )
    canvass_require_purpose_statement = models.BooleanField(
        "require the purpose statement",
        default=True,
        help_text=(
            "Deputies state that the search is not aimed at lawful protest or other "
            "protected activity."
        ),
    )
    # Footage requests, retention and annual confirmation.
    footage_request_link_days = models.PositiveSmallIntegerField(
        "footage request link lifetime (days)",
        default=7,
        validators=_range(1, 90),
        help_text="How long a registrant's private answer and upload link works: 1 to 90 days.",
    )
    annual_confirmation_grace_days = models.PositiveSmallIntegerField(
        "annual confirmation grace period (days)",
        default=30,
        validators=_range(0, 365),
        help_text=(
            "Days after the confirmation is due before an unconfirmed registration lapses: "
            "0 to 365."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def state_codes(self) -> tuple[str, ...]:
        """("CA",): the states of the jurisdiction, as two-letter codes."""
        try:
            return parse_codes(self.states)
        except ValueError:
            return ()

    @property
    def example_address(self) -> str:
        """The example address on one line ("1701 Ming Ave, Bakersfield, CA 93304"), or ""
        when the profile lacks a part of it."""
        parts = (self.address_example_street, self.address_example_city)
        if not all(parts) or not self.address_example_postcode or not self.state_codes:
            return ""
        return f"{parts[0]}, {parts[1]}, {self.state_codes[0]} {self.address_example_postcode}"

    @property
    def local_name(self) -> str:
        """The name in the language now active (pages and emails render in the reader's)."""
        return self.name_in(get_language() or "en")

    def name_in(self, language: str) -> str:
        """The agency's name in a language ("es": the Spanish name when there is one)."""
        if language.startswith("es") and self.name_es:
            return self.name_es
        return self.name

    @property
    def local_program_name(self) -> str:
        """The program's name in the language now active (pages and emails to residents)."""
        return self.program_name_in(get_language() or "en")

    def program_name_in(self, language: str) -> str:
        """The program's name in a language ("es": the Spanish name when there is one)."""
        if language.startswith("es") and self.program_name_es:
            return self.program_name_es
        return self.program_name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        low, high = self.canvass_min_window_minutes, self.canvass_max_window_minutes
        if low is not None and high is not None and low > high:
            errors["canvass_max_window_minutes"] = (
                "The longest time window must not be shorter than the shortest one "
                f"({low} minutes)."
            )
        length, width = self.canvass_max_route_length_m, self.canvass_max_corridor_width_m
        if length is not None and width is not None and width > length:
            errors["canvass_max_corridor_width_m"] = (
                f"The corridor must not be wider than the longest route ({length} m)."
            )
        pattern, example = self.case_number_pattern, self.case_number_example
        if pattern and example:
            try:
                matches = re.fullmatch(pattern, example) is not None
            except re.error:
                matches = True  # the pattern field reports its own error
            if not matches:
                errors["case_number_example"] = (
                    "The example case number does not match the case number format."
                )
        if errors:
            raise ValidationError(errors)
