"""Static files as `make run` and production serve them: collected with a content hash in
their names, compressed (gzip and Brotli), and cached for good (decision 0020)."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client

STYLE = "body { color: #1b1b1b; }\n.site-main { padding-top: 1.5rem; }\n" * 100


@pytest.fixture
def collected(tmp_path, settings):
    """A small static folder collected as `make static` does, served as `make run` does
    (DEBUG on, WhiteNoise reading STATIC_ROOT)."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "app.css").write_text(STYLE)
    settings.STATICFILES_DIRS = [("demo", source)]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "root"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "camreg.web.storage.StaticFilesStorage"},
    }
    settings.DEBUG = True
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_make_run_and_production_use_the_compressed_manifest_storage():
    base = importlib.import_module("camreg.settings.base")  # production takes it as it is
    development = importlib.import_module("camreg.settings.development")
    for module in (base, development):
        backend = module.STORAGES["staticfiles"]["BACKEND"]
        assert backend == "camreg.web.storage.StaticFilesStorage"
    # `make run` serves what `make static` collected, as production does.
    assert development.WHITENOISE_USE_FINDERS is False
    assert development.WHITENOISE_AUTOREFRESH is False


def test_collected_files_are_hashed_and_compressed(collected):
    names = sorted(path.name for path in (collected / "demo").iterdir())
    hashed = next(name for name in names if name.startswith("app.") and name.endswith(".css"))
    assert hashed != "app.css"
    assert f"{hashed}.gz" in names and f"{hashed}.br" in names


def test_pages_name_the_hashed_file_even_with_debug(collected):
    url = Template("{% load static %}{% static 'demo/app.css' %}").render(Context())
    assert url.startswith("/static/demo/app.") and url != "/static/demo/app.css"


@pytest.mark.parametrize(("accept", "encoding"), [("gzip, deflate, br", "br"), ("gzip", "gzip")])
def test_hashed_files_are_served_compressed_and_immutable(collected, accept, encoding):
    url = Template("{% load static %}{% static 'demo/app.css' %}").render(Context())
    response = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert int(response["Content-Length"]) < len(STYLE) / 10
    # The unhashed name is still served, but never cached for good.
    plain = Client().get("/static/demo/app.css", HTTP_ACCEPT_ENCODING=accept)
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
