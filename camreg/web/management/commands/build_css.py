"""Compile the project's USWDS build from its Sass sources (decision 0020).

`camreg/web/sass/uswds.scss` names the USWDS settings, components and utilities the site
uses; Dart Sass (the `sass` package from npm, in package-lock.json) compiles it into
`camreg/web/static/web/build/uswds.css`, which is not committed. `make static` runs this
before `collectstatic`, and the test run before the tests (a no-op when the output is newer
than its sources).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SASS_DIR = Path(settings.PACKAGE_DIR) / "web" / "sass"
ENTRY = SASS_DIR / "uswds.scss"
OUTPUT = Path(settings.PACKAGE_DIR) / "web" / "static" / "web" / "build" / "uswds.css"
USWDS_PACKAGES = Path(settings.NODE_MODULES) / "@uswds" / "uswds" / "packages"
SASS = Path(settings.NODE_MODULES) / ".bin" / "sass"
LOCK = Path(settings.BASE_DIR) / "package-lock.json"


def sources() -> list[Path]:
    """What the build depends on: the project's Sass files and the npm lock (USWDS's
    version)."""
    return [*sorted(SASS_DIR.glob("*.scss")), LOCK]


def up_to_date() -> bool:
    if not OUTPUT.exists():
        return False
    built = OUTPUT.stat().st_mtime
    return all(not path.exists() or path.stat().st_mtime <= built for path in sources())


def build() -> None:
    """Compile ENTRY into OUTPUT (atomically: a reader never sees half a file)."""
    if not SASS.exists() or not USWDS_PACKAGES.exists():
        raise CommandError(
            f"{SASS} or {USWDS_PACKAGES} is missing: install the front-end packages first "
            "(npm ci, which make setup runs)."
        )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".css", dir=OUTPUT.parent)
    os.close(handle)
    try:
        result = subprocess.run(  # noqa: S603  # nosec B603 - fixed program and arguments
            [
                str(SASS),
                "--no-source-map",
                "--style=compressed",
                "--quiet-deps",
                f"--load-path={USWDS_PACKAGES}",
                str(ENTRY),
                temporary,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"sass failed:\n{result.stderr.strip()}")
        css = Path(temporary).read_text(encoding="utf-8")
        # USWDS writes `font-display: fallback` into every @font-face it makes; a web font
        # that ever comes back (the settings use system fonts) shows its text at once.
        css = css.replace("font-display:fallback", "font-display:swap")
        Path(temporary).write_text(css, encoding="utf-8")
        os.chmod(temporary, 0o644)  # noqa: S103  # nosec B103 - a public stylesheet
        os.replace(temporary, OUTPUT)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


class Command(BaseCommand):
    help = "Compile USWDS from its Sass sources (camreg/web/sass) into web/build/uswds.css."

    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Build even when up to date.")

    def handle(self, *args, **options) -> None:
        if not options["force"] and up_to_date():
            if options["verbosity"] > 1:
                self.stdout.write(f"{OUTPUT} is up to date")
            return
        build()
        if options["verbosity"] > 0:
            size = OUTPUT.stat().st_size
            self.stdout.write(f"built {OUTPUT.relative_to(settings.BASE_DIR)} ({size:,} bytes)")
