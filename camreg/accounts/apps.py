from django.apps import AppConfig

from camreg.scheduling import DAY, Job, register


class AccountsConfig(AppConfig):
    name = "camreg.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the session list's receivers

        # Staff accounts unused for STAFF_INACTIVE_DAYS are disabled (and audited).
        register(Job("camreg.accounts.tasks.disable_inactive_staff", DAY))
