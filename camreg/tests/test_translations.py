"""Spanish ships complete: every message has a translation that keeps its placeholders."""

import re
from pathlib import Path

import polib
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


def _catalog() -> polib.POFile:
    return polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "es/LC_MESSAGES/django.po"))


def test_spanish_catalog_is_complete():
    catalog = _catalog()
    assert len(catalog) > 300
    assert not catalog.untranslated_entries()
    assert not catalog.fuzzy_entries()


def test_placeholders_and_markup_survive_translation():
    for entry in _catalog().translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid
