from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from camreg.accounts import services
from camreg.accounts.models import User
from camreg.accounts.roles import Role


class Command(BaseCommand):
    help = (
        "Invite a staff member by email (for the first administrator of a new installation). "
        "Prints the invitation link too, in case email is not set up yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="Full name.")
        parser.add_argument(
            "--role",
            action="append",
            choices=Role.values,
            required=True,
            help="A role; repeat for several.",
        )

    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except Exception as exc:  # noqa: BLE001 - any invalid address is refused the same way
            raise CommandError(f"Not an email address: {email}") from exc
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(
                f"{email} already has an account. To get an administrator back in, use "
                "recover_staff_account."
            )
        with transaction.atomic():
            user, link = services.invite(
                email=email, full_name=options["name"], roles=options["role"], actor=None
            )
        self.stdout.write(f"Invited {user.email} ({', '.join(user.role_labels)}).")
        self.stdout.write(f"Invitation link (works once): {link}")
