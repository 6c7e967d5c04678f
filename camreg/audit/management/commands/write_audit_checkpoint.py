from django.core.management.base import BaseCommand, CommandError

from camreg.audit.services import write_checkpoint


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the audit log now (to AUDIT_CHECKPOINT_FILE and/or "
        "AUDIT_CHECKPOINT_SYSLOG), as the scheduler does every AUDIT_CHECKPOINT_MINUTES."
    )

    def handle(self, *args, **options):
        checkpoint = write_checkpoint()
        if checkpoint is None:
            raise CommandError(
                "Checkpoints are off: set AUDIT_CHECKPOINT_FILE or AUDIT_CHECKPOINT_SYSLOG."
            )
        extent = (
            f"{checkpoint.rows} event(s) up to event {checkpoint.head_id}"
            if checkpoint.head_id is not None
            else "the log is empty"
        )
        self.stdout.write(f"Checkpoint of {checkpoint.at}: {extent}, key {checkpoint.key_id}.")
