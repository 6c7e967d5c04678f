import pytest
from hypothesis import given
from hypothesis import strategies as st

from camreg.geo.normalize import (
    clean,
    looks_like_unit,
    normalize_city,
    normalize_number,
    normalize_postcode,
    normalize_street,
    normalize_street_name,
    normalize_unit,
    split_street_line,
    unit_identifier,
)

NORMALIZERS = [
    clean,
    normalize_city,
    normalize_number,
    normalize_postcode,
    normalize_street,
    normalize_unit,
]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Truxtun Avenue", "TRUXTUN AVE"),
        ("truxtun ave.", "TRUXTUN AVE"),
        ("  TRUXTUN    AV ", "TRUXTUN AVE"),
        ("Oak Street", "OAK ST"),
        ("Panorama Drive", "PANORAMA DR"),
        ("White Lane", "WHITE LN"),
        ("Stockdale Highway", "STOCKDALE HWY"),
        ("Hageman Road", "HAGEMAN RD"),
        ("Valley Boulevard", "VALLEY BLVD"),
        ("Garden Court", "GARDEN CT"),
        ("Lake Place", "LAKE PL"),
        ("Kern River Parkway", "KERN RIVER PKWY"),
        ("Garces Circle", "GARCES CIR"),
        ("Olive Terrace", "OLIVE TER"),
        ("Canyon Trail", "CANYON TRL"),
        ("Bear Mountain Way", "BEAR MOUNTAIN WAY"),
        ("North Chester Avenue", "N CHESTER AVE"),
        ("n. chester ave", "N CHESTER AVE"),
        ("Chester Avenue South", "CHESTER AVE S"),
        ("Northeast Valley Road", "NE VALLEY RD"),
        ("Southwest Oak St", "SW OAK ST"),
        ("East California Avenue", "E CALIFORNIA AVE"),
        ("Mount Vernon Avenue", "MT VERNON AVE"),
        ("Mt. Vernon Ave", "MT VERNON AVE"),
        ("Fourth Street", "4TH ST"),
        ("Calle Mañana", "CALLE MANANA"),
        ("Avenida Peñasco", "AVENIDA PENASCO"),
        ("O'Neil Court", "ONEIL CT"),
        ("O\u2019Neil Ct", "ONEIL CT"),
        ("Kern-River Dr", "KERN RIVER DR"),
    ],
)
def test_normalize_street(typed, canonical):
    assert normalize_street(typed) == canonical


def test_a_directional_or_suffix_that_is_the_name_stays_the_name():
    # "N St" is Bakersfield's lettered street, not "North St".
    assert normalize_street("N St") == "N ST"
    assert normalize_street("North Street") == "NORTH ST"
    assert normalize_street("North Street") != normalize_street("N St")
    assert normalize_street("East Avenue") == "EAST AVE"
    assert normalize_street("Court Street") == "COURT ST"
    assert normalize_street("Avenue") == "AVENUE"
    assert normalize_street("North Main Street") == normalize_street("N Main St") == "N MAIN ST"


def test_street_name_leaves_out_directionals_and_suffix():
    assert normalize_street_name("North Chester Avenue") == "CHESTER"
    assert normalize_street_name("Mount Vernon Ave S") == "MT VERNON"
    assert normalize_street_name("North St") == "NORTH"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("1200", "1200"),
        ("1200-a", "1200A"),
        ("1200 A", "1200A"),
        ("0012", "12"),
        (" 1200. ", "1200"),
    ],
)
def test_normalize_number(typed, canonical):
    assert normalize_number(typed) == canonical


@pytest.mark.parametrize("typed", ["Apartment 5", "Apt. 5", "apt #5", "#5", "# 5", "Unit 5", "5"])
def test_unit_identifier_ignores_designators(typed):
    assert unit_identifier(typed) == "5"


def test_normalize_unit_uses_short_designators():
    assert normalize_unit("Apartment 5") == "APT 5"
    assert normalize_unit("Suite 100") == "STE 100"
    assert normalize_unit("Departamento 3") == "APT 3"
    assert normalize_unit("Space 14") == "SPC 14"
    assert unit_identifier("Apt 5-b") == unit_identifier("#5B") == "5B"


def test_city_and_postcode():
    assert normalize_city(" bakersfield ") == normalize_city("BAKERSFIELD") == "BAKERSFIELD"
    assert normalize_city("Tehachapí") == "TEHACHAPI"
    assert normalize_postcode("93301-1234") == "93301"
    assert normalize_postcode(" 93301 ") == "93301"


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("1200 Truxtun Ave Apt 5", ("1200", "Truxtun Ave", "Apt 5")),
        ("1200 Truxtun Ave", ("1200", "Truxtun Ave", "")),
        ("  1200   Truxtun Ave  ", ("1200", "Truxtun Ave", "")),
        ("1200-A Truxtun Ave #5", ("1200-A", "Truxtun Ave", "#5")),
        ("1200 Truxtun Ave, Apt. 5", ("1200", "Truxtun Ave", "Apt. 5")),
        ("1200 Truxtun Ave, Bakersfield", ("1200", "Truxtun Ave", "")),
        ("1200 Main St Suite A", ("1200", "Main St", "Suite A")),
        ("1200 1/2 Oak St", ("1200 1/2", "Oak St", "")),
        ("34th St", ("", "34th St", "")),
        ("1200 Unit St", ("1200", "Unit St", "")),
        ("1200 Spring Lot Rd", ("1200", "Spring Lot Rd", "")),
        ("500 Mobile Home Dr Spc 14", ("500", "Mobile Home Dr", "Spc 14")),
        ("", ("", "", "")),
    ],
)
def test_split_street_line(line, parts):
    assert split_street_line(line) == parts


def test_looks_like_unit():
    assert looks_like_unit("Apt 5")
    assert looks_like_unit("#12")
    assert not looks_like_unit("Bakersfield")
    assert not looks_like_unit("Apt")


@given(st.text())
def test_normalizers_never_raise_and_are_idempotent(text):
    for normalizer in NORMALIZERS:
        once = normalizer(text)
        assert normalizer(once) == once, normalizer.__name__


@given(st.text())
def test_lookup_keys_agree_with_normalized_text(text):
    assert normalize_street_name(normalize_street(text)) == normalize_street_name(text)
    assert unit_identifier(normalize_unit(text)) == unit_identifier(text)


@given(st.text())
def test_split_street_line_never_raises(text):
    number, street, unit = split_street_line(text)
    assert all(isinstance(part, str) for part in (number, street, unit))
    looks_like_unit(text)


# Latin-1 covers Spanish; str.upper() turns some other marks into letters.
@given(st.text(st.characters(codec="latin-1")))
def test_street_normalization_ignores_case(text):
    assert normalize_street(text.lower()) == normalize_street(text.upper())


_WORD_PARTS = st.sampled_from(
    ["N", "North", "Chester", "Ave", "Avenue", "St", "Mount", "Vernon", "Oak", "34th", "Ln"]
)
_SEPARATORS = st.sampled_from([" ", "  ", ". ", " .", ", ", "\t", " - ", "."])


@given(st.lists(st.tuples(_WORD_PARTS, _SEPARATORS), min_size=1, max_size=6), st.booleans())
def test_street_normalization_ignores_punctuation_and_spacing(words, upper):
    plain = " ".join(word for word, _ in words)
    punctuated = "".join(word + separator for word, separator in words)
    punctuated = punctuated.upper() if upper else punctuated.lower()
    assert normalize_street(punctuated) == normalize_street(plain)
