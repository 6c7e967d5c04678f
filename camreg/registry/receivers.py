"""What the registry does when a lower app announces a change: connected in
RegistryConfig.ready()."""

from django.dispatch import receiver

from camreg.agency import services as agency_services
from camreg.agency import signals as agency_signals

from .models import RegistrationStatus, Site

# Registrations whose sites a new jurisdiction boundary must contain.
HELD_STATUSES = (RegistrationStatus.ACTIVE, RegistrationStatus.PENDING_REVIEW)


@receiver(agency_signals.boundary_replacing, dispatch_uid="registry.sites_inside_boundary")
def sites_outside_new_boundary(sender, shape, **kwargs) -> str | None:
    """Registered sites (active or waiting for review) the new boundary would leave out."""
    points = (
        Site.objects.filter(registrant__status__in=HELD_STATUSES)
        .values_list("longitude", "latitude")
        .iterator(chunk_size=agency_services.COUNT_BATCH)
    )
    outside = agency_services.count_outside(shape, points)
    if not outside:
        return None
    return f"{outside} registered site{'s' if outside != 1 else ''} (active or waiting for review)"
