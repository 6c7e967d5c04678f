"""The evidence storage: Django's storage alias "evidence" (settings.STORAGES), a local folder
by default or an S3-compatible bucket. Everything reads and writes evidence bytes through
`evidence_storage()`; nothing opens paths by hand."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    return storages["evidence"]
