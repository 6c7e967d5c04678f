"""A search's cameras grouped the way a deputy contacts people: one owner (registrant) with
one contact block, their sites under it, each site's cameras best first; owners in the order
of their best camera."""

from __future__ import annotations

from dataclasses import dataclass, field

from camreg.canvass.services.results import CameraResult


@dataclass
class SiteCameras:
    """One site of an owner and its cameras found by the search, best first."""

    site_id: int
    address_line: str
    cameras: list[CameraResult] = field(default_factory=list)

    @property
    def best(self) -> CameraResult:
        return self.cameras[0]


@dataclass
class OwnerCameras:
    """One registrant and the cameras of theirs the search found, by site."""

    registrant_id: int
    sites: list[SiteCameras] = field(default_factory=list)

    @property
    def best(self) -> CameraResult:
        """Their best-ranked camera; it also carries their contact details."""
        return self.sites[0].best

    @property
    def cameras(self) -> list[CameraResult]:
        """All their cameras, best first."""
        return sorted((c for s in self.sites for c in s.cameras), key=lambda c: c.rank)

    @property
    def camera_count(self) -> int:
        return sum(len(s.cameras) for s in self.sites)


def by_owner(cameras: list[CameraResult]) -> list[OwnerCameras]:
    """`cameras` (ranked, as a search returns them) grouped by registrant and then by site.

    Owners come in the order of their best camera; within an owner, sites in the order of
    their best camera; within a site, cameras by rank. Nothing is dropped or re-ranked.
    """
    owners: dict[int, OwnerCameras] = {}
    sites: dict[int, SiteCameras] = {}
    for camera in sorted(cameras, key=lambda c: c.rank):
        owner = owners.get(camera.registrant_id)
        if owner is None:
            owner = owners[camera.registrant_id] = OwnerCameras(camera.registrant_id)
        site = sites.get(camera.site_id)
        if site is None:
            site = sites[camera.site_id] = SiteCameras(camera.site_id, camera.address_line)
            owner.sites.append(site)
        site.cameras.append(camera)
    return list(owners.values())
