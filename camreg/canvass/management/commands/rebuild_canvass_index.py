from django.core.management.base import BaseCommand, CommandError

from camreg.canvass import index, map_cells


class Command(BaseCommand):
    help = (
        "Rebuild the canvass spatial index from the sites table and the registry map's cells "
        "from it (one transaction), or with --check only report whether both are current."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit with an error if sites are missing or out of date.",
        )

    def handle(self, *args, **options):
        if options["check"]:
            report = index.check()
            summary = (
                f"{report.sites} site(s), {report.indexed} indexed, "
                f"{report.missing} missing, {report.moved} out of date, "
                f"{report.stale_cameras} camera row(s) out of date"
            )
            if not report.current:
                raise CommandError(
                    f"The canvass index is not current: {summary}. "
                    "Run manage.py rebuild_canvass_index."
                )
            cells = map_cells.check()
            cells_summary = (
                f"{cells.cameras} camera(s) on the map, {cells.counted} counted, "
                f"{cells.stale_contributions} registrant count(s) and "
                f"{cells.stale_cells} cell(s) out of date"
            )
            if not cells.current:
                raise CommandError(
                    f"The map cells are not current: {cells_summary}. "
                    "Run manage.py rebuild_canvass_index."
                )
            self.stdout.write(f"The canvass index is current: {summary}.")
            self.stdout.write(f"The map cells are current: {cells_summary}.")
            return
        count = index.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Canvass index rebuilt: {count} site(s). Map cells rebuilt.")
        )
