from django.core.management.base import BaseCommand, CommandError

from camreg.canvass import index


class Command(BaseCommand):
    help = (
        "Rebuild the canvass spatial index from the sites table (one transaction), "
        "or with --check only report whether it is current."
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
                f"{report.missing} missing, {report.moved} out of date"
            )
            if not report.current:
                raise CommandError(
                    f"The canvass index is not current: {summary}. "
                    "Run manage.py rebuild_canvass_index."
                )
            self.stdout.write(f"The canvass index is current: {summary}.")
            return
        count = index.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Canvass index rebuilt: {count} site(s)."))
