"""What the console pages read, and the audit event each read leaves.

Every page or endpoint that shows registrants' personal data (or where their cameras are)
reads through these functions, which record who looked at what in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from camreg.agency import services as agency_services
from camreg.audit import services as audit
from camreg.canvass import map_cells
from camreg.geo import normalize
from camreg.registry import services as registry
from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

from . import forms

PAGE_SIZE = 50
# Columns of each camera in the map data, in order; and of each cluster.
MAP_FIELDS = map_cells.CAMERA_FIELDS
CLUSTER_FIELDS = map_cells.CLUSTER_FIELDS
# The map data's zoom when a request names no viewport.
DEFAULT_MAP_ZOOM = 10
# The confirmation ages (MapFilterForm's `confirmed`) as the map cells count them.
_CONFIRMATION_AGES = {
    forms.ANY: None,
    forms.CONFIRMED_WITHIN_YEAR: frozenset({map_cells.RECENT}),
    forms.CONFIRMED_OVER_YEAR: frozenset({map_cells.OLD}),
    forms.NEVER_CONFIRMED: frozenset({map_cells.NEVER}),
}
_PHONE_LIKE = re.compile(r"^[\d\s().+\-]+$")


def _with_camera_counts(queryset):
    return queryset.annotate(camera_count=Count("sites__cameras"))


# Review queue --------------------------------------------------------------------------


@dataclass
class QueueRow:
    registrant: Registrant
    hints: list[registry.DuplicateHint]


def review_queue(*, request, page_number=None) -> tuple[Page, list[QueueRow]]:
    """Registrations waiting for review, oldest first, with duplicate hints; audited."""
    pending = _with_camera_counts(
        Registrant.objects.filter(status=RegistrationStatus.PENDING_REVIEW)
    ).order_by("created_at", "pk")
    page = Paginator(pending, PAGE_SIZE).get_page(page_number)
    registrants = list(page.object_list.prefetch_related("sites"))
    hints = registry.duplicate_hints_for(registrants)
    audit.record(
        "review.queue_viewed",
        request=request,
        details={
            "page": page.number,
            "pending": page.paginator.count,
            "shown": [r.pk for r in registrants],
        },
    )
    return page, [QueueRow(r, hints.get(r.pk, [])) for r in registrants]


# Registry map --------------------------------------------------------------------------


def map_filters(filters: dict) -> map_cells.MapFilters:
    """The canvass map cells' filters for MapFilterForm.filters()."""
    return map_cells.MapFilters(
        statuses=tuple(filters["status"]),
        system_types=tuple(filters["system_type"]),
        confirmed=_CONFIRMATION_AGES[filters["confirmed"]],
    )


def map_points(filters: dict, view: map_cells.Viewport, *, request) -> map_cells.MapAnswer:
    """What the camera map shows of one viewport: clusters (counts per grid cell, from the
    maintained map cells) when zoomed out, cameras (rows of MAP_FIELDS, no names) when
    zoomed in; decision 0020.

    `filters` as MapFilterForm.filters() gives them. Audited with the filters, the viewport,
    what was shown and how many cameras it covers.
    """
    answer = map_cells.answer(view, map_filters(filters))
    audit.record(
        "registry.map_viewed",
        request=request,
        details={
            "filters": filters,
            "view": view.as_dict(),
            "mode": answer.mode,
            "count": answer.count,
        },
    )
    return answer


def default_map_view() -> map_cells.Viewport:
    """The viewport when the request names none: the jurisdiction, zoomed out."""
    south, west, north, east = jurisdiction_bounds()
    return map_cells.Viewport(south, west, north, east, DEFAULT_MAP_ZOOM)


def jurisdiction_bounds() -> list[float]:
    """[south, west, north, east] of the agency's boundary, where the map starts."""
    (south, west), (north, east) = agency_services.map_bounds()
    return [south, west, north, east]


# Registrant list -----------------------------------------------------------------------


def _word_condition(word: str) -> Q:
    """A registrant matches a search word in a contact field or in one of its addresses."""
    spellings = {word}
    short = normalize.SUFFIXES.get(normalize.clean(word))
    if short and len(word) > len(short):
        spellings.add(short)  # "Avenue" also finds "Ave"
    condition = Q()
    site_condition = Q()
    for text in spellings:
        condition |= (
            Q(name__icontains=text)
            | Q(business_name__icontains=text)
            | Q(email__icontains=text)
            | Q(onsite_contact_name__icontains=text)
        )
        site_condition |= (
            Q(street__icontains=text)
            | Q(unit__icontains=text)
            | Q(city__icontains=text)
            | Q(postcode__startswith=text)
            | Q(label__icontains=text)
        )
    return condition | Q(pk__in=Site.objects.filter(site_condition).values("registrant_id"))


def search_condition(query: str) -> Q:
    """Every word must match somewhere; a phone number also matches the phone fields."""
    condition = Q()
    for word in query.split()[:10]:
        condition &= _word_condition(word)
    digits = re.sub(r"\D", "", query)
    if _PHONE_LIKE.match(query) and len(digits) >= 7:
        digits = digits[-10:]  # "+1 661 ..." and "661 ..." alike
        condition |= (
            Q(phone__contains=digits)
            | Q(alternate_phone__contains=digits)
            | Q(onsite_contact_phone__contains=digits)
        )
    return condition


def search_registrants(*, query: str, status: str, page_number=None, request) -> Page:
    """Registrants matching a search, newest first, a page at a time; audited."""
    query = " ".join((query or "").split())
    registrants = Registrant.objects.all()
    if status:
        registrants = registrants.filter(status=status)
    if query:
        registrants = registrants.filter(search_condition(query))
    registrants = _with_camera_counts(registrants).order_by("-created_at", "-pk")
    page = Paginator(registrants, PAGE_SIZE).get_page(page_number)
    page.object_list = list(page.object_list.prefetch_related("sites"))
    audit.record(
        "registry.searched",
        request=request,
        details={
            "query": query,
            "status": status,
            "page": page.number,
            "results": page.paginator.count,
            "shown": [r.pk for r in page.object_list],
        },
    )
    return page


# Registrant detail ---------------------------------------------------------------------


def record_view(registrant: Registrant, *, request, page: str = "detail") -> None:
    """Record that the signed-in staff member saw this registrant's data."""
    details = {} if page == "detail" else {"page": page}
    audit.record("registrant.viewed", request=request, target=registrant, details=details)


def registrant_detail(registrant: Registrant, *, request) -> dict:
    """Everything the detail page shows about a registrant; audited as a view."""
    detail = {
        "registrant": registrant,
        "sites": list(registrant.sites.prefetch_related("cameras")),
        "consents": list(registrant.consents.select_related("terms_version")),
        "notes": list(registrant.notes.all()),
        "emails": list(
            registrant.outbox_messages.order_by("-created_at").values(
                "pk", "template", "language", "status", "created_at", "sent_at"
            )[:20]
        ),
        "camera_count": Camera.objects.filter(site__registrant=registrant).count(),
    }
    record_view(registrant, request=request)
    return detail
