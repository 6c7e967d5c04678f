from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from camreg.accounts import encryption
from camreg.accounts.models import AuthenticatorDevice
from camreg.audit.services import record


class Command(BaseCommand):
    help = (
        "After putting a new MFA_ENCRYPTION_KEY in place (the old one moved to "
        "MFA_ENCRYPTION_RETIRED_KEYS): re-encrypt every authenticator key under the new one, "
        "so the old key can then be removed. Recovery codes are hashes and need nothing. "
        "With --check, only count the keys still encrypted under a retired key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; report.")

    def handle(self, *args, check: bool = False, **options):
        pending = [
            pk
            for pk, token in AuthenticatorDevice.objects.values_list("pk", "encrypted_key")
            if encryption.needs_rotation(token)
        ]
        if check:
            self.stdout.write(f"{len(pending)} authenticator key(s) under a retired key.")
            if pending:
                raise CommandError("Run rotate_mfa_key before removing the retired key.")
            return
        rotated = 0
        for pk in pending:
            with transaction.atomic():
                device = AuthenticatorDevice.objects.select_for_update().get(pk=pk)
                device.encrypted_key = encryption.rotate(device.encrypted_key)
                device.save(update_fields=["encrypted_key"])
                rotated += 1
        if rotated:
            record("auth.mfa_key_rotated", details={"authenticators": rotated})
        self.stdout.write(
            f"{rotated} authenticator key(s) re-encrypted under the current MFA_ENCRYPTION_KEY; "
            "the retired keys can now be removed."
        )
