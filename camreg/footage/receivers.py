"""Footage requests follow the registry: connected in FootageConfig.ready()."""

from django.dispatch import receiver

from camreg.registry import signals as registry_signals

from . import services


@receiver(registry_signals.registrant_erased, dispatch_uid="footage.forget_registrant")
def forget_erased_registrant(sender, registrant, **kwargs) -> None:
    """A registrant who leaves: their open requests close and lose their personal data."""
    services.forget_registrant(registrant)
