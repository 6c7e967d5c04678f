from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from camreg.accounts.models import AuthenticatorDevice


class Command(BaseCommand):
    help = (
        "Demo installations only: print the current authenticator code of a staff account, "
        "for people trying the demo without an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="demo.deputy@example.org")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Only available when DEMO_MODE is on (development).")
        device = (
            AuthenticatorDevice.objects.filter(user__email__iexact=options["email"], confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(f"No authenticator is set up for {options['email']}.")
        totp = device.totp()  # the key is decrypted with MFA_ENCRYPTION_KEY
        left = device.step - int(totp.time - device.t0) % device.step
        code = f"{totp.token():0{device.digits}d}"
        self.stdout.write(f"{code}  (valid for about {left} more seconds)")
