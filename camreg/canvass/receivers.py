"""The canvass index and the map cells follow the registry: connected in
CanvassConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from camreg.registry import signals as registry_signals
from camreg.registry.models import Camera, Registrant, Site

from . import index, map_cells
from .models import IndexedCamera


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


# The canvass index's camera rows copy the camera, its site and its registration (decision
# 0027): each save of one of them rewrites what the rows copy, in the transaction of the save.
# (A QuerySet.update() bypasses this, as it bypasses the map cells: rebuild_canvass_index
# --check reports it.)


def _saved(instance, fields, update_fields) -> dict:
    names = fields if update_fields is None else [f for f in fields if f in set(update_fields)]
    return {name: getattr(instance, name) for name in names}


@receiver(post_save, sender=Registrant, dispatch_uid="canvass.camera_rows_registrant_saved")
def copy_saved_registrant(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created:
        return  # no sites yet
    values = _saved(instance, index.REGISTRANT_COPIED, update_fields)
    if values:
        IndexedCamera.objects.filter(registrant_id=instance.pk).update(**values)


@receiver(post_save, sender=Site, dispatch_uid="canvass.camera_rows_site_saved")
def copy_saved_site(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created:
        return  # not indexed yet
    values = {
        column: getattr(instance, field)
        for column, field in index.SITE_COPIED.items()
        if update_fields is None or field in update_fields
    }
    if values:
        # The site's current position and address; its indexed position (the cell) changes
        # when the index hears of the move (index_sites, as for IndexedSite).
        IndexedCamera.objects.filter(site_id=instance.pk).update(**values)


@receiver(post_save, sender=Camera, dispatch_uid="canvass.camera_rows_camera_saved")
def copy_saved_camera(sender, instance, created, update_fields=None, **kwargs) -> None:
    index.reindex_camera(instance.pk)
