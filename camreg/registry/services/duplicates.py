"""Duplicate hints: the same address, email or phone as another registrant."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from camreg.geo import normalize
from camreg.registry.models import Registrant, RegistrationStatus, Site


@dataclass(frozen=True)
class DuplicateHint:
    kind: str  # "address", "email" or "phone"
    other_id: int
    other_status: str

    @property
    def other_status_label(self) -> str:
        return str(RegistrationStatus(self.other_status).label)


def address_key(street: str, postcode: str) -> tuple[str, str, str] | None:
    """House number, street and ZIP code spelled one way: how two sites are compared."""
    number, name, _unit = normalize.split_street_line(street or "")
    street_key = normalize.normalize_street(name)
    if not street_key:
        return None
    return normalize.normalize_number(number), street_key, normalize.normalize_postcode(postcode)


def duplicate_hints_for(registrants) -> dict[int, list[DuplicateHint]]:
    """For each registrant, other registrants (not tombstones) sharing an address, email or
    phone. A handful of queries whatever the number of registrants asked about."""
    registrants = list(registrants)
    hints: dict[int, set[DuplicateHint]] = {r.pk: set() for r in registrants}
    if not registrants:
        return {}
    others = Registrant.objects.exclude(status=RegistrationStatus.LEFT)

    emails = {r.email for r in registrants if r.email}
    if emails:
        matches = others.filter(email__in=emails).values_list("pk", "email", "status")
        for other_id, email, status in matches:
            for r in registrants:
                if r.email == email and r.pk != other_id:
                    hints[r.pk].add(DuplicateHint("email", other_id, status))

    phones = {p for r in registrants for p in (r.phone, r.alternate_phone) if p}
    if phones:
        matches = others.filter(Q(phone__in=phones) | Q(alternate_phone__in=phones)).values_list(
            "pk", "phone", "alternate_phone", "status"
        )
        for other_id, phone, alternate, status in matches:
            theirs = {phone, alternate} - {""}
            for r in registrants:
                if r.pk != other_id and theirs & ({r.phone, r.alternate_phone} - {""}):
                    hints[r.pk].add(DuplicateHint("phone", other_id, status))

    keys: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    wanted = Q()
    for registrant_id, street, postcode in Site.objects.filter(
        registrant__in=[r.pk for r in registrants]
    ).values_list("registrant_id", "street", "postcode"):
        key = address_key(street, postcode)
        if key is None:
            continue
        keys[registrant_id].add(key)
        number = normalize.split_street_line(street)[0]
        wanted |= Q(postcode__startswith=key[2], street__istartswith=number)
    if keys:
        candidates = (
            Site.objects.filter(wanted)
            .exclude(registrant__status=RegistrationStatus.LEFT)
            .values_list("registrant_id", "registrant__status", "street", "postcode")
        )
        for other_id, status, street, postcode in candidates:
            key = address_key(street, postcode)
            for registrant_id, own in keys.items():
                if registrant_id != other_id and key in own:
                    hints[registrant_id].add(DuplicateHint("address", other_id, status))

    order = {"address": 0, "email": 1, "phone": 2}
    return {
        pk: sorted(found, key=lambda h: (order[h.kind], h.other_id)) for pk, found in hints.items()
    }


def duplicate_hints(registrant: Registrant) -> list[DuplicateHint]:
    return duplicate_hints_for([registrant])[registrant.pk]
