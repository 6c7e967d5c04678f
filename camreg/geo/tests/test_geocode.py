import pytest

from camreg.geo import services
from camreg.geo.geocoders import AddressPointsGeocoder, AddressQuery, Geocoder, GeocodeResult
from camreg.geo.models import AddressPoint

TRUXTUN = (35.37351, -119.03001)
N_CHESTER = (35.41102, -119.01870)
S_CHESTER = (35.33503, -119.01870)
MAIN_DELANO = (35.76880, -119.24710)
MAIN_TAFT = (35.14280, -119.45650)
OAK = (35.37900, -119.04200)


def add(lat_lon, number, street, city="Bakersfield", postcode="", unit=""):
    lat, lon = lat_lon
    return AddressPoint.objects.create(
        latitude=lat,
        longitude=lon,
        number=number,
        street=street,
        unit=unit,
        city=city,
        region="CA",
        postcode=postcode,
    )


@pytest.fixture
def points(db):
    add(TRUXTUN, "1200", "Truxtun Ave", postcode="93301")
    add(N_CHESTER, "1200", "N Chester Ave", postcode="93308")
    add(S_CHESTER, "1200", "S Chester Ave", postcode="93304")
    add(MAIN_DELANO, "500", "Main St", city="Delano", postcode="93215")
    add(MAIN_TAFT, "500", "Main St", city="Taft", postcode="93268")
    add(OAK, "700", "Oak St", postcode="93301")
    add((OAK[0] + 0.0001, OAK[1]), "700", "Oak St", unit="Apt 1", postcode="93301")
    add((OAK[0] + 0.0002, OAK[1]), "700", "Oak St", unit="Apt 2", postcode="93301")


def point(result):
    assert result is not None
    return result.latitude, result.longitude


def geocode(street_line, **fields):
    return services.geocode(AddressQuery(street_line, **fields))


def test_case_punctuation_and_abbreviations_do_not_matter(points):
    typed = services.geocode(AddressQuery.from_text("1200 truxtun avenue, bakersfield"))
    assert typed == geocode("1200 TRUXTUN AVE.")
    assert typed == GeocodeResult(
        *TRUXTUN, "1200 Truxtun Ave, Bakersfield, CA 93301", "address-points", state="CA"
    )


def test_directional_words_and_letters_are_the_same(points):
    assert point(geocode("1200 North Chester Avenue")) == N_CHESTER
    assert point(geocode("1200 n chester ave")) == N_CHESTER
    assert point(geocode("1200 South Chester Ave", city="Bakersfield")) == S_CHESTER


def test_no_match_returns_none(points):
    assert geocode("9999 Truxtun Ave") is None
    assert geocode("1200 Nowhere Rd") is None
    assert geocode("Truxtun Ave") is None
    assert geocode("") is None


def test_a_given_city_or_postcode_must_agree(points):
    assert geocode("1200 Truxtun Ave", city="Taft") is None
    assert geocode("1200 Truxtun Ave", postcode="93268") is None
    assert point(geocode("1200 Truxtun Ave", city="BAKERSFIELD", postcode="93301-0001")) == (
        TRUXTUN
    )


def test_ambiguity_is_narrowed_by_city_or_postcode(points):
    assert geocode("500 Main St") is None
    assert point(geocode("500 Main St", city="delano")) == MAIN_DELANO
    assert point(geocode("500 Main St", postcode="93268")) == MAIN_TAFT
    assert point(services.geocode(AddressQuery.from_text("500 Main St, Taft, CA 93268"))) == (
        MAIN_TAFT
    )
    assert geocode("500 Main St", city="Delano", postcode="93268") is None


def test_a_blank_city_in_the_table_does_not_contradict(points):
    add((35.2597, -118.9143), "10", "Weedpatch Hwy", city="", postcode="93241")
    assert point(geocode("10 Weedpatch Hwy", city="Lamont")) == (35.2597, -118.9143)


def test_leaving_out_the_directional_or_suffix(points):
    assert point(geocode("1200 Truxtun")) == TRUXTUN
    assert geocode("1200 Chester Ave") is None  # north or south?
    assert point(geocode("1200 Chester Ave", postcode="93304")) == S_CHESTER
    assert geocode("1200 Truxtun St") is None  # a different street


def test_unit_picks_its_row_and_an_unknown_unit_is_ignored(points):
    apt_2 = geocode("700 Oak St Apt 2")
    assert point(apt_2) == (OAK[0] + 0.0002, OAK[1])
    assert apt_2.matched_address == "700 Oak St Apt 2, Bakersfield, CA 93301"
    assert point(geocode("700 Oak St", unit="#2")) == (OAK[0] + 0.0002, OAK[1])
    unknown = geocode("700 Oak Street, Apartment 99")
    assert point(unknown) == OAK
    assert unknown.matched_address == "700 Oak St, Bakersfield, CA 93301"


def test_rows_far_apart_are_ambiguous_even_on_one_street(points):
    add((TRUXTUN[0], TRUXTUN[1] - 0.01), "1200", "Truxtun Ave", postcode="93301")
    assert geocode("1200 Truxtun Ave") is None


class NoAnswer(Geocoder):
    name = "none"
    created = 0

    def __init__(self) -> None:
        type(self).created += 1

    def geocode(self, query: AddressQuery) -> GeocodeResult | None:
        return None


class Fixed(Geocoder):
    name = "fixed"

    def geocode(self, query: AddressQuery) -> GeocodeResult | None:
        return GeocodeResult(1.0, 2.0, query.street_line, self.name)


def test_geocoders_are_tried_in_order_and_created_once(points, settings):
    here = __name__
    settings.GEOCODERS = [f"{here}.NoAnswer", "camreg.geo.geocoders.AddressPointsGeocoder"]
    services._load_geocoders.cache_clear()
    NoAnswer.created = 0
    assert geocode("1200 Truxtun Ave").source == "address-points"
    assert geocode("1200 N Chester Ave").source == "address-points"
    assert NoAnswer.created == 1
    assert isinstance(services.geocoders()[1], AddressPointsGeocoder)

    settings.GEOCODERS = [f"{here}.Fixed", "camreg.geo.geocoders.AddressPointsGeocoder"]
    assert geocode("1200 Truxtun Ave") == GeocodeResult(1.0, 2.0, "1200 Truxtun Ave", "fixed")

    settings.GEOCODERS = [f"{here}.NoAnswer"]
    assert geocode("1200 Truxtun Ave") is None


def test_saving_fills_the_lookup_columns(db):
    saved = add(TRUXTUN, "1200-a", "north Truxtun Avenue", postcode="93301-1234", unit="Apt. 5")
    assert (saved.norm_number, saved.norm_street, saved.norm_street_name) == (
        "1200A",
        "N TRUXTUN AVE",
        "TRUXTUN",
    )
    assert (saved.norm_unit, saved.norm_city, saved.norm_postcode) == ("5", "BAKERSFIELD", "93301")
    saved.street = "Ming Ave"
    saved.save(update_fields=["street"])
    saved.refresh_from_db()
    assert (saved.norm_street, saved.norm_street_name) == ("MING AVE", "MING")
