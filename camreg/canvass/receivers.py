"""The canvass index and the map cells follow the registry: connected in
CanvassConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from camreg.registry import signals as registry_signals
from camreg.registry.models import Registrant

from . import index, map_cells


@receiver(registry_signals.sites_changed, dispatch_uid="canvass.index_sites")
def index_changed_sites(sender, registrant, new_sites=None, **kwargs) -> None:
    """Keep the spatial index (and the map cells) current, in the transaction that changed
    the sites."""
    if new_sites is not None:
        index.index_new_sites(new_sites)
    else:
        index.index_registrant(registrant)


# What the map counts of a registrant also depends on its status and when it was last
# confirmed, which change without any site changing (verification, confirmation, rejection,
# leaving). Every such change saves the Registrant, so the map cells follow its saves.
_MAP_FIELDS = frozenset({"status", "confirmed_at"})


@receiver(post_save, sender=Registrant, dispatch_uid="canvass.map_registrant_saved")
def recount_saved_registrant(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created:
        return  # no sites yet: sites_changed follows
    if update_fields is not None and not (_MAP_FIELDS & set(update_fields)):
        return
    map_cells.refresh([instance.pk])


@receiver(post_delete, sender=Registrant, dispatch_uid="canvass.map_registrant_deleted")
def recount_deleted_registrant(sender, instance, **kwargs) -> None:
    map_cells.refresh([instance.pk])
