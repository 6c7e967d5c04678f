"""Address normalization: one canonical spelling for matching addresses.

Canonical text is uppercase ASCII (accents stripped) with USPS short forms for
street suffixes, directionals and unit designators: "1200 n. Chéster Avenue" and
"1200 N CHESTER AVE" normalize alike.
"""

from __future__ import annotations

import re
import unicodedata

# Street suffixes (USPS Publication 28 short forms); every short form maps to itself.
_SUFFIX_FORMS: dict[str, tuple[str, ...]] = {
    "ALY": ("ALLEY", "ALLY"),
    "AVE": ("AVENUE", "AV", "AVEN", "AVENU", "AVN", "AVNUE"),
    "BLVD": ("BOULEVARD", "BOUL", "BOULV"),
    "CIR": ("CIRCLE", "CIRC", "CIRCL", "CRCL", "CRCLE"),
    "CT": ("COURT", "CRT"),
    "CV": ("COVE",),
    "DR": ("DRIVE", "DRIV", "DRV"),
    "EXPY": ("EXPRESSWAY", "EXPR", "EXPRESS", "EXPW"),
    "FWY": ("FREEWAY", "FREEWY", "FRWAY", "FRWY"),
    "HWY": ("HIGHWAY", "HIGHWY", "HIWAY", "HIWY", "HWAY"),
    "LN": ("LANE",),
    "LOOP": ("LOOPS",),
    "PKWY": ("PARKWAY", "PARKWY", "PKWAY", "PKY"),
    "PL": ("PLACE",),
    "PLZ": ("PLAZA", "PLZA"),
    "PT": ("POINT",),
    "RD": ("ROAD",),
    "ROW": (),
    "RUN": (),
    "SQ": ("SQUARE", "SQR", "SQRE", "SQU"),
    "ST": ("STREET", "STR", "STRT"),
    "TER": ("TERRACE", "TERR"),
    "TRL": ("TRAIL", "TRAILS", "TRLS"),
    "WAY": ("WY",),
    "XING": ("CROSSING", "CRSSNG"),
}
_DIRECTIONAL_FORMS: dict[str, tuple[str, ...]] = {
    "N": ("NORTH",),
    "S": ("SOUTH",),
    "E": ("EAST",),
    "W": ("WEST",),
    "NE": ("NORTHEAST",),
    "NW": ("NORTHWEST",),
    "SE": ("SOUTHEAST",),
    "SW": ("SOUTHWEST",),
}
_UNIT_FORMS: dict[str, tuple[str, ...]] = {
    # Spanish speakers often write apartamento, apto, departamento or depto.
    "APT": ("APARTMENT", "APARTAMENTO", "APTO", "DEPARTAMENTO", "DEPTO"),
    "STE": ("SUITE",),
    "UNIT": (),
    "#": (),
    "BLDG": ("BUILDING",),
    "SPC": ("SPACE",),
    "RM": ("ROOM",),
    "FL": ("FLOOR",),
    "LOT": (),
    "TRLR": ("TRAILER",),
}
# Words inside a street name that people abbreviate or spell out.
_NAME_WORDS: dict[str, str] = {
    "MOUNT": "MT",
    "FIRST": "1ST",
    "SECOND": "2ND",
    "THIRD": "3RD",
    "FOURTH": "4TH",
    "FIFTH": "5TH",
    "SIXTH": "6TH",
    "SEVENTH": "7TH",
    "EIGHTH": "8TH",
    "NINTH": "9TH",
    "TENTH": "10TH",
}


def _forms(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    mapping = {short: short for short in table}
    for short, longs in table.items():
        mapping.update(dict.fromkeys(longs, short))
    return mapping


SUFFIXES = _forms(_SUFFIX_FORMS)
DIRECTIONALS = _forms(_DIRECTIONAL_FORMS)
UNIT_DESIGNATORS = _forms(_UNIT_FORMS)

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`]")
_SEPARATORS = re.compile(r"[^A-Z0-9#/]+")
_HOUSE_NUMBER = re.compile(r"\d+[A-Z]?")
_FRACTION = re.compile(r"\d/\d")


def clean(text: str) -> str:
    """Uppercase ASCII words: accents stripped, punctuation as spaces, '#' a word."""
    if not text.isascii():
        text = _strip_accents(_strip_accents(text).upper())
    text = _APOSTROPHES.sub("", text.upper()).replace("#", " # ")
    return " ".join(_SEPARATORS.sub(" ", text).split())


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _street_parts(tokens: list[str]) -> tuple[str, list[str], str, str]:
    """(pre-directional, name words, suffix, post-directional) of a cleaned street.

    A directional or suffix that is the only word left for the name stays part of
    the name: "North St" stays NORTH ST and "N St" (the lettered street) N ST.
    """
    prefix = suffix = post = ""
    name = tokens
    if len(name) >= 3 and name[-1] in DIRECTIONALS and name[-2] in SUFFIXES:
        post, suffix, name = DIRECTIONALS[name[-1]], SUFFIXES[name[-2]], name[:-2]
    elif len(name) >= 2 and name[-1] in SUFFIXES:
        suffix, name = SUFFIXES[name[-1]], name[:-1]
    elif len(name) >= 2 and name[-1] in DIRECTIONALS:
        post, name = DIRECTIONALS[name[-1]], name[:-1]
    if len(name) >= 2 and name[0] in DIRECTIONALS:
        prefix, name = DIRECTIONALS[name[0]], name[1:]
    return prefix, [_NAME_WORDS.get(word, word) for word in name], suffix, post


def normalize_street(text: str) -> str:
    """'north Chester avenue' -> 'N CHESTER AVE'."""
    prefix, name, suffix, post = _street_parts(clean(text).split())
    return " ".join(word for word in (prefix, *name, suffix, post) if word)


def normalize_street_name(text: str) -> str:
    """The street's name alone, without directionals or suffix: 'N CHESTER AVE' -> 'CHESTER'."""
    return " ".join(_street_parts(clean(text).split())[1])


def normalize_number(text: str) -> str:
    """House number without spaces or punctuation: '1200-a' -> '1200A', '0012' -> '12'."""
    number = clean(text).replace(" ", "").replace("#", "")
    return re.sub(r"^0+(?=\d)", "", number)


def normalize_unit(text: str) -> str:
    """'Apartment #5' -> 'APT # 5'; see unit_identifier for matching."""
    return " ".join(UNIT_DESIGNATORS.get(word, word) for word in clean(text).split())


def unit_identifier(text: str) -> str:
    """The unit without designators, for matching: 'Apt 5-B', '#5B', '5b' -> '5B'."""
    return "".join(word for word in clean(text).split() if word not in UNIT_DESIGNATORS)


def normalize_city(text: str) -> str:
    return clean(text)


def normalize_postcode(text: str) -> str:
    """The five-digit ZIP code: '93301-1234' -> '93301'."""
    return re.sub(r"[^0-9]", "", text)[:5]


def looks_like_unit(text: str) -> bool:
    """Whether text starts with a unit designator and an identifier ('Apt 5', '#5', 'Ste A')."""
    return _starts_unit(text.split(), 0)


def _starts_unit(words: list[str], index: int) -> bool:
    first = clean(words[index]).split() if index < len(words) else []
    if not first or first[0] not in UNIT_DESIGNATORS:
        return False
    identifier = first[1:]
    if not identifier and index + 1 < len(words):
        identifier = clean(words[index + 1]).split()
    if not identifier:
        return False
    # "Lot Rd" or "Unit St" is a street, not a unit.
    word = identifier[0]
    return first[0] == "#" or word == "#" or len(word) == 1 or any(c.isdigit() for c in word)


def split_street_line(text: str) -> tuple[str, str, str]:
    """Split '1200 Truxtun Ave Apt 5' into ('1200', 'Truxtun Ave', 'Apt 5').

    The parts keep the user's spelling; pass them to the normalize_ functions to
    match. Text after a comma is read only for a unit ('..., Apt 5'); a city or
    ZIP code typed there is left out.
    """
    parts = [part.strip() for part in text.split(",")]
    words = parts[0].split()
    number = ""
    if words and _HOUSE_NUMBER.fullmatch(normalize_number(words[0])):
        number = words.pop(0)
        if words and _FRACTION.fullmatch(words[0]):
            number = f"{number} {words.pop(0)}"
    unit = ""
    for index in range(1, len(words)):  # the street keeps at least one word
        if _starts_unit(words, index):
            unit = " ".join(words[index:])
            words = words[:index]
            break
    if not unit:
        unit = next((part for part in parts[1:] if looks_like_unit(part)), "")
    return number, " ".join(words), unit
