"""manage.py import_address_points FILE.csv[.gz] [--replace] [--batch-size N]"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camreg.geo import services


class Command(BaseCommand):
    help = (
        "Import address points from an OpenAddresses CSV file (plain or gzip), "
        "header LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--replace", action="store_true", help="Delete existing address points first."
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = services.import_address_points(
                options["file"], replace=options["replace"], batch_size=options["batch_size"]
            )
        except services.AddressPointImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        if options["replace"]:
            self.stdout.write(f"Deleted {report.deleted} existing address points.")
        self.stdout.write(self.style.SUCCESS(f"Imported {report.imported} address points."))
        if report.skipped:
            lines = "; ".join(f"line {line}: {reason}" for line, reason in report.skipped_lines)
            more = "; ..." if report.skipped > len(report.skipped_lines) else ""
            self.stdout.write(
                self.style.WARNING(f"Skipped {report.skipped} bad rows ({lines}{more}).")
            )
