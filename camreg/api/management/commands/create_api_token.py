"""Create an API token for a staff member and print it (shown this once)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from camreg.accounts.models import User
from camreg.api import services


class Command(BaseCommand):
    help = "Create an API token for the staff member with EMAIL and print it once."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The staff member the token acts for.")
        parser.add_argument(
            "--name", required=True, help="What the token is for, e.g. the dispatch system."
        )

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No staff member has the email address {email}.")
        try:
            token, raw = services.create_token(user=user, name=name)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        self.stderr.write(
            f"Token {token.prefix}… ({token.name}) created for {user.email}. "
            "It is shown this once; store it now."
        )
        self.stdout.write(raw)
