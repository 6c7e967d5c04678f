"""Re-hash every stored evidence file and record the result on its chain of custody.

    manage.py verify_evidence

A custody event per file: HASH_VERIFIED, or HASH_MISMATCH, which is a loud failure: a
message on stderr naming the file and both hashes, and exit status 1. The scheduler runs
the same check every EVIDENCE_VERIFY_EVERY_DAYS days (docs/evidence.md).
"""

from django.core.management.base import BaseCommand, CommandError

from camreg.evidence.services import verification


class Command(BaseCommand):
    help = "Re-hash the stored evidence files; a mismatch is a custody event and exit status 1."

    def handle(self, *args, **options):
        report = verification.verify_all()
        for mismatch in report.mismatches:
            self.stderr.write(mismatch.describe())
        self.stdout.write(
            f"{report.verified} evidence file(s) verified, {len(report.mismatches)} mismatch(es)."
        )
        if not report.ok:
            raise CommandError(
                f"{len(report.mismatches)} evidence file(s) no longer match their SHA-256."
            )
