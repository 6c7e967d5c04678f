"""The addresses the README offers for registering in the demo are found there, inside the
demo agency's area, and the demo agency's example address (on the registration form) is one of
them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from camreg.demo.address_points import load_demo_address_points
from camreg.demo.agency import KERN_COUNTY
from camreg.registry import services

README = Path(__file__).resolve().parents[3] / "README.md"
LINE = re.compile(r"^- (?P<street>[^,]+), (?P<city>[^,]+), CA (?P<postcode>\d{5})$")


def _readme_addresses() -> list[dict]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- demo-addresses", 1)[1].split("<!-- /demo-addresses -->", 1)[0]
    found = [m.groupdict() for line in block.splitlines() if (m := LINE.match(line.strip()))]
    assert 2 <= len(found) <= 3, found
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("address", _readme_addresses(), ids=lambda a: a["street"])
def test_each_readme_address_is_found_in_the_demo(address):
    load_demo_address_points()
    located = services.locate_site({**address, "unit": ""})
    assert located.address["street"] == address["street"]


def test_the_forms_example_is_a_readme_address():
    """The demo agency's example address (its profile's, shown on the form) is one of them."""
    expected = {
        "street": KERN_COUNTY["address_example_street"],
        "city": KERN_COUNTY["address_example_city"],
        "postcode": KERN_COUNTY["address_example_postcode"],
    }
    assert expected in _readme_addresses()
