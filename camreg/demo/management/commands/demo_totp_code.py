import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


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
            TOTPDevice.objects.filter(user__email__iexact=options["email"], confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(f"No authenticator is set up for {options['email']}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        code = f"{totp.token():0{device.digits}d}"
        self.stdout.write(f"{code}  (valid for about {left} more seconds)")
