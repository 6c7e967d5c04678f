"""Create an API token for a service account and print it (shown this once)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from camreg.accounts.models import AccountKind, User
from camreg.api import services


class Command(BaseCommand):
    help = (
        "Create an API token for the service account named ACCOUNT (its name or its address, "
        "as the console shows them) and print it once. Tokens are never made for a person."
    )

    def add_arguments(self, parser):
        parser.add_argument("account", help="The service account the token acts as.")
        parser.add_argument(
            "--name", required=True, help="What the token is for, e.g. the dispatch system."
        )

    def handle(self, *args, account: str, name: str, **options):
        account = account.strip()
        matches = list(User.objects.filter(Q(email__iexact=account) | Q(full_name__iexact=account)))
        service_accounts = [u for u in matches if u.kind == AccountKind.SERVICE]
        if not service_accounts:
            if matches:
                raise CommandError(services.NOT_A_SERVICE_ACCOUNT)
            raise CommandError(f"No service account is named {account}.")
        if len(service_accounts) > 1:
            raise CommandError(f"Several service accounts are named {account}: use its address.")
        user = service_accounts[0]
        try:
            token, raw = services.create_token(user=user, name=name)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        self.stderr.write(
            f"Token {token.prefix}… ({token.name}) created for the service account {user}. "
            "It is shown this once; store it now."
        )
        self.stdout.write(raw)
