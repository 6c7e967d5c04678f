"""The canvass index follows the registry: connected in CanvassConfig.ready()."""

from django.dispatch import receiver

from camreg.registry import signals as registry_signals

from . import index


@receiver(registry_signals.sites_changed, dispatch_uid="canvass.index_sites")
def index_changed_sites(sender, registrant, new_sites=None, **kwargs) -> None:
    """Keep the spatial index current, in the transaction that changed the sites."""
    if new_sites is not None:
        index.index_new_sites(new_sites)
    else:
        index.index_registrant(registrant)
