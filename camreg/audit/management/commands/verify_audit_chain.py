from django.core.management.base import BaseCommand, CommandError

from camreg.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit non-zero at the first broken link."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event {broken.event_id}: {broken.problem}. "
                f"{checked} earlier event(s) are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} event(s) checked."))
