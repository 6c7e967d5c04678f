"""Footage requests follow the registry and fill the case page: connected in
FootageConfig.ready()."""

from django.dispatch import receiver

from camreg.canvass import signals as canvass_signals
from camreg.registry import signals as registry_signals

from . import services


@receiver(registry_signals.registrant_erased, dispatch_uid="footage.forget_registrant")
def forget_erased_registrant(sender, registrant, **kwargs) -> None:
    """A registrant who leaves: their open requests close and lose their personal data."""
    services.forget_registrant(registrant)


@receiver(canvass_signals.case_workspace, dispatch_uid="footage.case_workspace")
def footage_on_the_case(sender, case, actor, request=None, camera_ids=(), **kwargs):
    """The case page shows the case's footage requests and marks the cameras asked."""
    return services.case_section(case, actor=actor, request=request, camera_ids=camera_ids)
