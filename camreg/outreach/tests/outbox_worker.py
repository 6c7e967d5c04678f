"""A worker process for the outbox tests that need real processes (PostgreSQL): sends what
is due to the SMTP server on 127.0.0.1:PORT until nothing is due any more, then prints how
many it sent. `python -m camreg.outreach.tests.outbox_worker PORT` with DATABASE_URL set to
the test database."""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    port = int(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camreg.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Camera Registry <registry@example.org>"
    from camreg.outreach import services

    sent = runs = 0
    while True:
        result = services.send_due(seconds=30)
        sent += result.sent
        runs += 1
        if not services.more_due():
            break
    print(json.dumps({"sent": sent, "runs": runs, "pid": os.getpid()}), flush=True)


if __name__ == "__main__":
    main()
