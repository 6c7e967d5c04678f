from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from camreg.accounts import services
from camreg.accounts.models import User


class Command(BaseCommand):
    help = (
        "Get a staff member back in when no administrator can help (for example the only "
        "administrator lost their phone or was disabled for inactivity): reactivates the "
        "account, removes its second factor and lifts a sign-in lockout, then prints a "
        "single-use link to choose a new password. Everything is recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No staff account for {options['email']}.")
        try:
            with transaction.atomic():
                link = services.recover_account(user)
        except services.StaffChangeRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"{user.email}: reactivated, second factor removed, lockout lifted.")
        self.stdout.write(f"Link to choose a new password (works once): {link}")
