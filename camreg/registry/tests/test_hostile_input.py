"""Malformed and hostile input never causes a server error or a partial registration."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camreg.registry.models import Camera, Consent, Registrant, Site
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db(transaction=False)

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "9" * 5000,
            "-1",
            "1e309",
            "NaN",
            "inf",
            "١٢٣",
            "\u202e\u0000",
            "../../etc/passwd",
            "add-camera-999999999999999999",
            "remove-camera-0-",
            "remove-site--1",
        ]
    ),
)
FIELD_NAMES = sorted(registration_post(sites=[({}, [{}])]).keys()) + [
    "site_count",
    "s0-camera_count",
    "s0-c0-photo",
    "s1-street",
    "s0-c5-label",
    "action",
    "contact-website",
]


def assert_no_partial_rows():
    for registrant in Registrant.objects.all():
        sites = list(Site.objects.filter(registrant=registrant))
        assert sites, f"registrant {registrant.pk} has no site"
        for site in sites:
            assert Camera.objects.filter(site=site).exists(), f"site {site.pk} has no camera"
        assert Consent.objects.filter(registrant=registrant).exists()
    assert not Site.objects.filter(registrant__isnull=True).exists()


@HYPOTHESIS
@given(changes=st.dictionaries(st.sampled_from(FIELD_NAMES), nasty_text, max_size=8))
def test_register_with_hostile_fields(address_points, changes):
    client = Client()
    data = registration_post(sites=[({}, [{}])])
    data.update(changes)
    response = client.post(reverse("registry:register"), data)
    assert response.status_code in (200, 302, 400, 429)
    assert_no_partial_rows()


@HYPOTHESIS
@given(
    junk=st.dictionaries(st.text(max_size=40), nasty_text, max_size=12),
    photo=st.binary(max_size=2000),
)
def test_register_with_random_forms_and_files(address_points, junk, photo):
    client = Client()
    data = dict(junk)
    data["s0-c0-photo"] = SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg")
    response = client.post(reverse("registry:register"), data)
    assert response.status_code in (200, 400, 429)
    assert not Registrant.objects.exists()


@HYPOTHESIS
@given(email=nasty_text, website=st.one_of(st.just(""), nasty_text))
def test_magic_link_request_with_hostile_input(db, email, website):
    client = Client()
    response = client.post(reverse("registry:manage-request"), {"email": email, "website": website})
    assert response.status_code in (302, 400, 429)


@HYPOTHESIS
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"),
        min_size=1,
        max_size=200,
    ),
    method=st.sampled_from(["get", "post"]),
    which=st.sampled_from(["registry:manage-link", "registry:verify"]),
)
def test_links_with_hostile_tokens(db, token, method, which):
    client = Client()
    response = getattr(client, method)(reverse(which, args=[token]))
    assert response.status_code == 410
    assert not client.session.get("portal_registrant")
