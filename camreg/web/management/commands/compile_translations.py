"""Compile the project's .po files to .mo without GNU gettext being installed."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile every locale/*/LC_MESSAGES/*.po of the project (LOCALE_PATHS, and the "
        "locale/ folder of each of the project's apps, which Django merges) into .mo files."
    )

    requires_system_checks: list = []

    def handle(self, *args, **options) -> None:
        compiled = 0
        for locale_dir in _locale_dirs():
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalog = polib.pofile(str(po_path))
                catalog.save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 1 or compiled:
            self.stdout.write(f"compiled {compiled} translation catalog(s)")


def _locale_dirs() -> list[Path]:
    """LOCALE_PATHS, then the locale/ folders of the project's own apps (camreg.*): an app
    may keep its own catalog (camreg/audit/locale), so that two people can add messages at
    once without editing one file."""
    dirs = [Path(d) for d in settings.LOCALE_PATHS]
    package = Path(settings.LOCALE_PATHS[0]).parent if settings.LOCALE_PATHS else None
    for config in apps.get_app_configs():
        folder = Path(config.path) / "locale"
        if package is not None and folder.is_dir() and folder.is_relative_to(package):
            if folder not in dirs:
                dirs.append(folder)
    return dirs
