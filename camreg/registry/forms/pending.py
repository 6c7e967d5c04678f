"""Photos that outlive a page reload: the registration form's side of pending photos.

A browser sends a chosen file once. When the form comes back to the person (another camera
added, a mistake to correct), every photo that came with the request is checked, re-encoded
and kept (registry.services.pending_photos), and its camera form carries the signed reference
in its hidden `pending_photo` field; the next save uses it unless another photo is chosen.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .. import photos
from ..services import pending_photos


def _uploads(form) -> list[tuple[object, object]]:
    """(camera form, uploaded file) for every camera whose photo came with this request."""
    if not form.files:
        return []
    found = []
    for block in form.sites:
        for camera in block.cameras:
            if not getattr(camera, "is_bound", False):
                continue
            upload = form.files.get(camera.add_prefix("photo"))
            if upload:
                found.append((camera, upload))
    return found


def keep_uploads(form, checked: dict | None = None, *, validated: bool = False) -> None:
    """Keep every photo of this request that can be used, as a pending photo named by its
    camera form's `pending_photo`. `checked` maps camera forms to a clean JPEG already made
    (prepare_sites) or a ValidationError; the other photos are checked and re-encoded here.

    After a change of the form's shape a photo that cannot be used is said so on its camera
    (`photo_notice`); after a `validated` save that failed, its field says so already. A
    request that breaks the rules on photos (too many) keeps none: none is decoded."""
    uploads = _uploads(form)
    cameras = [camera for block in form.sites for camera in block.cameras]
    if any(getattr(camera, "photo_refused", "") for camera in cameras):
        return
    checked = dict(checked or {})
    todo = []
    for camera, upload in uploads:
        if camera in checked:
            continue
        if validated and camera.errors.get("photo"):
            continue
        try:
            photos.check(upload)
        except ValidationError as error:
            checked[camera] = error
        else:
            todo.append((camera, upload))
    results = photos.reencode_many([upload for _camera, upload in todo])
    for (camera, _upload), result in zip(todo, results, strict=True):
        checked[camera] = result
    names = {camera: getattr(upload, "name", "") for camera, upload in uploads}
    for camera, result in checked.items():
        if isinstance(result, ValidationError):
            if not validated:
                camera.photo_notice = result.messages[0]
            continue
        if not result:
            continue
        reference = pending_photos.keep(result, names.get(camera, ""))
        form.data[camera.add_prefix("pending_photo")] = reference


def attach(form) -> None:
    """Give each camera form the pending photo its reference names (shown beside the field)."""
    for block in form.sites:
        for camera in block.cameras:
            camera.pending = pending_photos.find(camera["pending_photo"].value())


def use(camera_form, camera: dict) -> None:
    """On saving: the camera's photo is its new upload, else its pending photo (unless the
    person asked to remove it)."""
    pending = getattr(camera_form, "pending", None)
    camera.pop("pending_photo", None)
    if pending is None or camera.get("photo_jpeg") is not None:
        return
    if camera.get("remove_photo"):
        camera_form.used_pending = pending
        return
    camera["photo_jpeg"] = pending_photos.read(pending)
    camera_form.used_pending = pending


def forget_used(form) -> None:
    """After a save: the pending photos it used (or replaced) are no longer needed."""
    for block in form.sites:
        for camera in block.cameras:
            pending = getattr(camera, "pending", None)
            if pending is not None:
                pending_photos.discard(pending)
                camera.pending = None
