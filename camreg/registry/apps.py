from django.apps import AppConfig

from camreg.scheduling import DAY, HOUR, Job, register


class RegistryConfig(AppConfig):
    name = "camreg.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from camreg.accounts.services import KEPT_ON_STAFF_TIMEOUT

        from . import portal, receivers  # noqa: F401 - receivers connects the receivers

        # A staff session timing out in the same browser keeps the registrant's portal session.
        KEPT_ON_STAFF_TIMEOUT.add(portal.SESSION_KEY)

        register(
            Job("camreg.registry.tasks.purge_unverified_registrations", HOUR),
            Job("camreg.registry.tasks.erase_rejected_registrations", DAY),
            Job("camreg.registry.tasks.purge_pending_photos", HOUR),
        )
