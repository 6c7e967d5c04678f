"""manage.py setup_agency: give a new installation its agency (once; --update to change)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from camreg.agency import services
from camreg.agency.models import ConfirmMode

# Command-line option -> Agency field.
OPTIONS = {
    "name": "name",
    "name_es": "name_es",
    "short_name": "short_name",
    "program_name": "program_name",
    "program_name_es": "program_name_es",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
    "website": "website",
    "address": "address",
    "address_example_street": "address_example_street",
    "address_example_city": "address_example_city",
    "address_example_postcode": "address_example_postcode",
    "time_zone": "time_zone",
    "jurisdiction_name": "jurisdiction_name",
    "state": "states",
    "confirm_mode": "confirm_mode",
}
FIELD_OPTIONS = {field: "--" + option.replace("_", "-") for option, field in OPTIONS.items()}
FIELD_OPTIONS["boundary"] = "--boundary"


class Command(BaseCommand):
    help = (
        "Set up the agency that runs this installation: its name (English and Spanish), "
        "contact, time zone, state and jurisdiction boundary (a GeoJSON file). Until it has "
        "run, every page says that the registry is being set up. Refuses to run twice; "
        "--update changes the agency there is (only the options given). Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="The agency's name: Kern County Sheriff's Office.")
        parser.add_argument("--name-es", help="The name in Spanish (optional).")
        parser.add_argument("--short-name", help="A short name or acronym: KCSO.")
        parser.add_argument(
            "--program-name",
            help='The program\'s name (default on setup: "Camera Registry Program").',
        )
        parser.add_argument("--program-name-es", help="The program's name in Spanish (optional).")
        parser.add_argument("--contact-email", help="Where residents write to.")
        parser.add_argument("--contact-phone", help="Where residents call: (661) 555-0100.")
        parser.add_argument("--website", help="The agency's website (optional).")
        parser.add_argument("--address", help="The agency's postal address (optional).")
        parser.add_argument(
            "--address-example-street",
            help="A real street address in the jurisdiction, shown to residents as an example "
            "on the registration form (optional): 1701 Ming Ave.",
        )
        parser.add_argument(
            "--address-example-city", help="Its city or community (optional): Bakersfield."
        )
        parser.add_argument("--address-example-postcode", help="Its ZIP code (optional): 93304.")
        parser.add_argument("--time-zone", help="Where times are shown: America/Los_Angeles.")
        parser.add_argument(
            "--jurisdiction-name", help="The area the boundary covers, as people name it."
        )
        parser.add_argument(
            "--state",
            action="append",
            help="Two-letter code of the state the jurisdiction lies in (CA); repeat for several.",
        )
        parser.add_argument(
            "--boundary",
            type=Path,
            help="GeoJSON file with the jurisdiction: one Polygon or MultiPolygon, WGS84.",
        )
        parser.add_argument(
            "--confirm-mode",
            choices=ConfirmMode.values,
            help="review (default: staff confirm each registration) or automatic.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Change the agency that is set up already (only the options given).",
        )

    def handle(self, *args, **options) -> None:
        values = {field: options[option] for option, field in OPTIONS.items() if options[option]}
        if "states" in values:
            values["states"] = ",".join(values["states"])
        if not options["update"]:
            values.setdefault("program_name", "Camera Registry Program")
        boundary_file = ""
        if options["boundary"] is not None:
            values["boundary"], boundary_file = self._read_boundary(options["boundary"])
        try:
            agency, changed = services.set_up(
                values, update=options["update"], boundary_file=boundary_file
            )
        except ValidationError as exc:
            raise CommandError(self._explain(exc)) from exc
        if not changed:
            self.stdout.write(f"{agency}: nothing changed.")
        elif options["update"]:
            self.stdout.write(self.style.SUCCESS(f"{agency}: changed {', '.join(changed)}."))
        else:
            (south, west), (north, east) = services.map_bounds()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Set up {agency} ({agency.jurisdiction_name}, {agency.states}); the "
                    f"boundary spans latitude {south:.4f} to {north:.4f} and longitude "
                    f"{west:.4f} to {east:.4f}. The site is open."
                )
            )

    @staticmethod
    def _read_boundary(path: Path) -> tuple[dict, str]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"--boundary: cannot read {path} ({exc.strerror or exc}); nothing was changed."
            ) from exc
        try:
            return services.parse_boundary(data), path.name
        except ValidationError as exc:
            raise CommandError(
                f"--boundary: {' '.join(exc.messages)} Nothing was changed."
            ) from exc

    @staticmethod
    def _explain(exc: ValidationError) -> str:
        if not hasattr(exc, "error_dict"):
            return " ".join(exc.messages)
        lines = ["Nothing was changed:"]
        for field, messages in exc.message_dict.items():
            option = FIELD_OPTIONS.get(field, field)
            lines.append(f"  {option}: {' '.join(messages)}")
        return "\n".join(lines)
