import gzip
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from camreg.geo.models import AddressPoint

HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE\n"
GOOD_ROWS = (
    "-119.0300100,35.3735100,1200,TRUXTUN AVE,,BAKERSFIELD,KERN,CA,93301\n"
    "-119.0187000,35.4110200,1200,N CHESTER AVE,,BAKERSFIELD,KERN,CA,93308\n"
    "-119.0420000,35.3790000,700,Oak Street,APT 2,Bakersfield,Kern,CA,93301-1234\n"
)
BAD_ROWS = (  # line numbers as placed in csv_file
    "-119.0300100,95.0,1,BAD LAT ST,,BAKERSFIELD,KERN,CA,93301\n"  # line 6
    "abc,35.37,2,NOT A NUMBER ST,,BAKERSFIELD,KERN,CA,93301\n"  # line 7
    "-119.03,35.37,,NO NUMBER ST,,BAKERSFIELD,KERN,CA,93301\n"  # line 8
    "-119.03,35.37,3,,,BAKERSFIELD,KERN,CA,93301\n"  # line 9
    "0,0,4,NULL ISLAND ST,,BAKERSFIELD,KERN,CA,93301\n"  # line 10
    "-119.03,35.37,5," + "X" * 300 + ",,BAKERSFIELD,KERN,CA,93301\n"  # line 11
)


def run(*args):
    out = StringIO()
    call_command("import_address_points", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(HEADER + GOOD_ROWS + "\n" + BAD_ROWS)
    return path


@pytest.mark.django_db
def test_imports_good_rows_and_reports_bad_ones(csv_file):
    output = run(csv_file)
    assert "Imported 3 address points" in output
    assert "Skipped 6 bad rows" in output
    # Line 5 is blank; the first five bad lines are shown.
    assert "line 6: coordinates out of range" in output
    assert "line 7: coordinates are not numbers" in output
    assert "line 8: no house number" in output
    assert "line 9: no street" in output
    assert "line 10: coordinates missing" in output
    assert "line 11" not in output
    assert AddressPoint.objects.count() == 3
    oak = AddressPoint.objects.get(number="700")
    assert (oak.longitude, oak.latitude) == (-119.042, 35.379)
    assert (oak.street, oak.unit, oak.postcode) == ("Oak Street", "APT 2", "93301-1234")
    assert (oak.norm_street, oak.norm_unit, oak.norm_city, oak.norm_postcode) == (
        "OAK ST",
        "2",
        "BAKERSFIELD",
        "93301",
    )


@pytest.mark.django_db
def test_lowercase_headers_in_any_order_and_optional_columns(tmp_path):
    path = tmp_path / "lower.csv"
    path.write_text("\ufeffstreet,number,lat,lon,hash\nTruxtun Ave,1200,35.37351,-119.03001,ab\n")
    assert "Imported 1 address points" in run(path)
    point = AddressPoint.objects.get()
    assert (point.street, point.number, point.city, point.norm_street) == (
        "Truxtun Ave",
        "1200",
        "",
        "TRUXTUN AVE",
    )


@pytest.mark.django_db
def test_appends_without_replace_and_replaces_with_it(csv_file, tmp_path):
    run(csv_file)
    run(csv_file)
    assert AddressPoint.objects.count() == 6
    other = tmp_path / "other.csv"
    other.write_text(HEADER + "-118.449,35.1322,100,Tehachapi Blvd,,Tehachapi,Kern,CA,93561\n")
    output = run(other, "--replace")
    assert "Deleted 6 existing address points" in output
    assert list(AddressPoint.objects.values_list("street", flat=True)) == ["Tehachapi Blvd"]


@pytest.mark.django_db
def test_gzip_file(tmp_path):
    path = tmp_path / "points.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(HEADER + GOOD_ROWS)
    assert "Imported 3 address points" in run(path, "--batch-size", 2)
    assert AddressPoint.objects.count() == 3


@pytest.mark.django_db
def test_batches_add_up(tmp_path):
    path = tmp_path / "many.csv"
    rows = [
        f"-119.0{i:04d},35.3{i:04d},{100 + i},Ming Ave,,Bakersfield,,CA,93309" for i in range(25)
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    run(path, "--batch-size", 7)
    assert AddressPoint.objects.count() == 25
    assert AddressPoint.objects.filter(norm_street="MING AVE").count() == 25


@pytest.mark.django_db
def test_a_file_without_a_good_row_changes_nothing(csv_file, tmp_path):
    run(csv_file)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + BAD_ROWS)
    with pytest.raises(CommandError, match="no valid address point"):
        run(bad, "--replace")
    assert AddressPoint.objects.count() == 3  # the delete was rolled back


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("LAT,NUMBER,STREET\n35.3,1,A St\n", "Missing column"),
        (b"\x1f\x8bnot really gzip", "Cannot read"),
        (b"LON,LAT,NUMBER,STREET\n-119,35.3,1,Caf\xe9 St\n", "Cannot read"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "broken.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert not AddressPoint.objects.exists()


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nowhere.csv")
