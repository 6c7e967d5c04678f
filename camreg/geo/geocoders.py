"""Geocoders: turn an address into a point. settings.GEOCODERS lists those in use."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from . import normalize, states
from .models import AddressPoint
from .services import distance_m

_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")


@dataclass(frozen=True, slots=True)
class AddressQuery:
    """An address as a person typed it."""

    street_line: str
    city: str = ""
    postcode: str = ""
    unit: str = ""
    state: str = ""  # two-letter code ("CA") when the address names its state

    @classmethod
    def from_text(cls, text: str) -> AddressQuery:
        """Read one line such as '1200 Truxtun Ave Apt 5, Bakersfield, CA 93301'."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not parts:
            return cls("")
        street_line, rest = parts[0], parts[1:]
        if rest and normalize.looks_like_unit(rest[0]):
            street_line = f"{street_line} {rest.pop(0)}"
        postcode = ""
        for index in reversed(range(len(rest))):
            if match := _ZIP.search(rest[index]):
                postcode = match.group(1)
                rest[index] = rest[index][: match.start()] + rest[index][match.end() :]
                break
        city = state = ""
        for part in rest:
            words = normalize.clean(part).split()
            before, found, as_code = states.split_trailing_state(words)
            # "Bakersfield CA", "CA", or a state name after the city; a state name alone
            # before any city is a city ("Washington").
            if found and (before or as_code or city):
                state, words = state or found, before
            if words and not city:
                city = " ".join(words)
        return cls(street_line, city=city, postcode=postcode, state=state)


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    latitude: float
    longitude: float
    matched_address: str
    source: str  # the geocoder's name
    state: str = ""  # two-letter code of the state the point is in, when the geocoder knows
    # The matched address in its tidy form ("1200 Truxtun Ave", "Bakersfield", "93301"), when
    # the geocoder knows its parts: what a registry stores rather than the typed text.
    # (Details of the match: results compare by point, address and source.)
    street_line: str = field(default="", compare=False)
    unit: str = field(default="", compare=False)
    city: str = field(default="", compare=False)
    postcode: str = field(default="", compare=False)


class Geocoder(ABC):
    """One way of finding addresses; settings.GEOCODERS names the classes to try."""

    name: str

    @abstractmethod
    def geocode(self, query: AddressQuery) -> GeocodeResult | None:
        """The point for the address, or None when not found or ambiguous."""


class AddressPointsGeocoder(Geocoder):
    """Matches against the AddressPoint table (imported OpenAddresses data).

    Number and street must match after normalization (or, when the query leaves out
    the directional or suffix, every word typed must appear in the stored street).
    A given city or ZIP code must agree; the unit picks a row when one matches.
    Several matches that are not at one place make the answer ambiguous: None.
    """

    name = "address-points"
    max_candidates = 50
    same_place_m = 100.0

    def geocode(self, query: AddressQuery) -> GeocodeResult | None:
        number, street, unit = normalize.split_street_line(query.street_line)
        norm_number = normalize.normalize_number(number)
        norm_street = normalize.normalize_street(street)
        if not norm_number or not norm_street:
            return None
        rows = AddressPoint.objects.order_by("pk")
        candidates = list(
            rows.filter(norm_number=norm_number, norm_street=norm_street)[: self.max_candidates]
        )
        if not candidates:
            typed = norm_street.split()
            candidates = [
                point
                for point in rows.filter(
                    norm_number=norm_number,
                    norm_street_name=normalize.normalize_street_name(street),
                )[: self.max_candidates]
                if _is_subsequence(typed, point.norm_street.split())
            ]
        candidates = _agreeing(
            candidates,
            city=normalize.normalize_city(query.city),
            postcode=normalize.normalize_postcode(query.postcode),
        )
        if not candidates:
            return None
        wanted_unit = normalize.unit_identifier(query.unit or unit)
        same_unit = [
            point for point in candidates if wanted_unit and point.norm_unit == wanted_unit
        ]
        # Without a matching unit, the building's own point (no unit) is the best answer.
        candidates = same_unit or sorted(candidates, key=lambda point: bool(point.norm_unit))
        if not self._one_place(candidates):
            return None
        best = candidates[0]
        matched = best.address(with_unit=bool(same_unit))
        state = states.state_code(best.region)
        return GeocodeResult(
            best.latitude,
            best.longitude,
            matched,
            self.name,
            state,
            street_line=best.street_line,
            unit=best.unit if same_unit else "",
            city=best.city,
            postcode=best.postcode,
        )

    def _one_place(self, points: list[AddressPoint]) -> bool:
        first = points[0]
        return all(
            distance_m(first.latitude, first.longitude, p.latitude, p.longitude)
            <= self.same_place_m
            for p in points[1:]
        )


def _agreeing(candidates: list[AddressPoint], *, city: str, postcode: str) -> list[AddressPoint]:
    """Candidates whose city and ZIP code do not contradict the query's.

    A blank city or ZIP code in the table neither agrees nor contradicts; among the
    rest, those that agree on more of the two are kept.
    """
    scored = []
    for point in candidates:
        score = 0
        for wanted, known in ((city, point.norm_city), (postcode, point.norm_postcode)):
            if wanted and known:
                if wanted != known:
                    break
                score += 1
        else:
            scored.append((score, point))
    best = max((score for score, _ in scored), default=0)
    return [point for score, point in scored if score == best]


def _is_subsequence(words: list[str], within: list[str]) -> bool:
    remaining = iter(within)
    return all(word in remaining for word in words)
