"""In development, links in emails follow the port `make run` serves (issue 10): SITE_URL
defaults to http://127.0.0.1:<PORT>, which the Makefile passes as DEV_PORT to every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _site_url(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEV_PORT")}
    result = subprocess.run(
        [sys.executable, "-c", "from camreg.settings import development as d; print(d.SITE_URL)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().splitlines()[-1]


def test_site_url_follows_the_port_in_development():
    assert _site_url(DEV_PORT="8791") == "http://127.0.0.1:8791"
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(DEV_PORT="8791", SITE_URL="https://demo.example.org/") == (
        "https://demo.example.org"
    )


def test_make_run_passes_its_port_to_every_process():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'DEV_PORT="$(PORT)"' in makefile
