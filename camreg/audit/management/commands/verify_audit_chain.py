from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from camreg.audit import guard
from camreg.audit.services import verify


class Command(BaseCommand):
    help = (
        "Check the audit log: every event's keyed hash and link, every signed checkpoint "
        "(so removed newest events are found), and the append-only trigger. Exits non-zero "
        "naming the first broken link and every other problem."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoint-file",
            help=(
                "Checkpoints to compare with: AUDIT_CHECKPOINT_FILE by default; also a copy "
                "of the syslog file that received them. '' compares none."
            ),
        )
        parser.add_argument(
            "--recent",
            type=int,
            metavar="N",
            help="Compare only the newest N lines of the checkpoint file (default: all).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Fail on warnings too (no checkpoints, an old newest checkpoint, extra rights).",
        )

    def handle(self, *args, checkpoint_file=None, recent=None, strict=False, **options):
        result = verify(checkpoint_file=checkpoint_file, checkpoint_lines=recent)
        guard_problems = guard.problems(connection)
        warnings = [*result.warnings, *guard.privilege_warnings(connection)]
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))

        failures = []
        if result.broken is not None:
            failures.append(
                f"Audit chain broken at event {result.broken.event_id}: "
                f"{result.broken.problem}. {result.checked} earlier event(s) are intact."
            )
            failures += [f"Also at event {p.event_id}: {p.problem}." for p in result.problems[1:]]
        failures += guard_problems
        if strict:
            failures += [f"(strict) {warning}" for warning in warnings]
        if failures:
            raise CommandError("\n".join(failures))

        keys = ", ".join(result.key_ids) or "none yet"
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result.checked} event(s) checked")
            + f" (HMAC-SHA256 under key(s) {keys}"
            + (
                f"; {result.unkeyed} earlier unkeyed SHA-256 event(s), sealed"
                if result.unkeyed
                else ""
            )
            + ")."
        )
        latest = result.latest_checkpoint
        if latest is not None:
            self.stdout.write(
                f"Checkpoints: {result.checkpoints_checked} compared from "
                f"{result.checkpoint_source}; the newest, of {latest.at}, "
                + (
                    f"names event {latest.head_id} ({latest.rows} event(s)); "
                    if latest.head_id is not None
                    else "saw an empty log; "
                )
                + f"{result.uncovered} event(s) since."
            )
        elif not result.checkpoint_source and not settings.AUDIT_CHECKPOINT_SYSLOG:
            self.stdout.write("Checkpoints: none compared (off).")
        self.stdout.write(f"Append-only trigger: in place ({connection.vendor}).")
