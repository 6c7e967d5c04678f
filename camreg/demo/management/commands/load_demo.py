from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from camreg.demo import address_points
from camreg.demo import agency as demo_agency
from camreg.demo import registrations as demo
from camreg.registry.models import Registrant


class Command(BaseCommand):
    help = (
        "Load demo data into an empty development database: the Kern County agency, address "
        "points, registrations and the demo staff account (refused outside demo mode)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is only loaded when DEMO_MODE is on (development).")
        agency = demo_agency.ensure_agency()
        self.stdout.write(f"Demo data: agency {agency}.")
        address_points.load_demo_address_points()
        if Registrant.objects.exists():
            self.stdout.write("Demo data: the database already has registrations; nothing loaded.")
        else:
            created = demo.load(count=options["count"])
            self.stdout.write(f"Demo data: {created} registrations loaded.")
        demo.ensure_staff_account()
        demo.ensure_role_accounts()
        url = f"http://127.0.0.1:{self._port()}"
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Camera registry (demo) starting at "
                f"{url}/\n"
                f"  Staff sign-in: {url}/staff/sign-in/  "
                f"{demo.DEMO_STAFF_EMAIL} / {demo.DEMO_STAFF_PASSWORD}\n"
                "    then a code: add the key "
                f"{demo.DEMO_TOTP_SECRET} to an authenticator app (time-based, 6 digits),\n"
                "    or run `.venv/bin/python manage.py demo_totp_code`, or use a recovery code: "
                f"{', '.join(demo.DEMO_RECOVERY_CODES)}\n"
                "  One account per role, same password and second factor: "
                + ", ".join(email for _role, email, _name in demo.DEMO_ROLE_ACCOUNTS)
                + "\n"
                f"  Emails sent by the app: {url}/dev/mailbox/\n"
            )
        )

    @staticmethod
    def _port() -> str:
        import os

        return os.environ.get("PORT", "8000")
