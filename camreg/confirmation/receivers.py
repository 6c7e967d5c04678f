"""What the yearly cycle does when the registry announces a change: connected in
ConfirmationConfig.ready()."""

from django.dispatch import receiver

from camreg.registry import signals as registry_signals

from . import services


@receiver(registry_signals.registration_confirmed, dispatch_uid="confirmation.restart_year")
def restart_year(sender, registrant, via, **kwargs) -> None:
    """Any confirmation closes the open cycle and starts the next year."""
    services.on_confirmed(registrant, via=via)


@receiver(registry_signals.registrant_erased, dispatch_uid="confirmation.forget_erased")
def forget_erased(sender, registrant, **kwargs) -> None:
    """Leaving or erasure: the links go, the open cycle closes."""
    services.on_erased(registrant)
