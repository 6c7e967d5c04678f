"""Static files storage: compressed (gzip and Brotli), content-hashed names, cached for good.

`collectstatic` writes each file under a name with its content's hash, a `.gz` and a `.br`
beside it, and a manifest; WhiteNoise serves the hashed names with
`Cache-Control: max-age=315360000, public, immutable` and the compressed variant the browser
accepts. Decision 0020.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with hashed URLs under DEBUG too.

    Django's manifest storage gives unhashed URLs when DEBUG is on, so `make run` (DEBUG)
    would neither cache nor test what production serves. Here `{% static %}` always names
    the hashed file, and WhiteNoise marks it immutable. A file missing from the manifest
    raises an error, as in production: run `make static` (collectstatic) after changing a
    static file.
    """

    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)
