"""manage.py generate_demo_address_points OUTPUT.csv [--count N] [--seed S]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from camreg.demo import address_generator as demo_generator


class Command(BaseCommand):
    help = (
        "Write invented address points on real Kern County streets as an OpenAddresses "
        "CSV file; the same count and seed always give the same file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output")
        parser.add_argument("--count", type=int, default=demo_generator.DEFAULT_COUNT)
        parser.add_argument("--seed", type=int, default=demo_generator.DEFAULT_SEED)

    def handle(self, *args, **options) -> None:
        if options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        rows = demo_generator.generate_rows(options["count"], options["seed"])
        demo_generator.write_rows(rows, Path(options["output"]))
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(rows)} address points to {options['output']}.")
        )
