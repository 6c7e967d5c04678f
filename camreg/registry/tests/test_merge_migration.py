"""The migration that merges registrations sharing an email (one person, one registration),
run on a database holding such duplicates (django-test-migrations)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

BEFORE = ("registry", "0006_email_key_pending_photos")
AFTER = ("registry", "0008_one_registration_per_email")


def _registrant(state, *, email, status, name, days_ago, **fields):
    Registrant = state.apps.get_model("registry", "Registrant")
    fields.setdefault("language", "en")
    registrant = Registrant.objects.create(
        kind="resident", name=name, email=email, status=status, **fields
    )
    moment = timezone.now() - timedelta(days=days_ago)
    Registrant.objects.filter(pk=registrant.pk).update(created_at=moment, updated_at=moment)
    return registrant


def _site(state, registrant, street, cameras):
    Site = state.apps.get_model("registry", "Site")
    Camera = state.apps.get_model("registry", "Camera")
    site = Site.objects.create(
        registrant=registrant,
        street=street,
        city="Bakersfield",
        postcode="93304",
        latitude=35.33,
        longitude=-119.02,
        location_source="pin",
    )
    for label in cameras:
        Camera.objects.create(
            site=site, label=label, direction=90, retention_days=30, system_type="other"
        )
    return site


def _consent(state, registrant, days_ago):
    TermsVersion = state.apps.get_model("registry", "TermsVersion")
    Consent = state.apps.get_model("registry", "Consent")
    return Consent.objects.create(
        registrant=registrant,
        terms_version=TermsVersion.objects.get(number=1),
        accepted_at=timezone.now() - timedelta(days=days_ago),
        language="en",
    )


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_merged_into_one_registration(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    # Ana registered three times: active a year ago, again (pending), and again last week
    # with a new phone number (unverified, a different spelling of the same address).
    first = _registrant(
        old, email="ana@example.com", status="active", name="Ana", days_ago=365,
        phone="+16615550100", confirmed_at=timezone.now() - timedelta(days=300),
        verified_at=timezone.now() - timedelta(days=364),
    )  # fmt: skip
    second = _registrant(
        old, email="ana@example.com", status="pending_review", name="Ana R", days_ago=30,
        verified_at=timezone.now() - timedelta(days=29),
    )  # fmt: skip
    third = _registrant(
        old, email=" Ana@Example.COM", status="unverified", name="Ana Ruiz", days_ago=7,
        phone="+16615550199", language="es",
    )  # fmt: skip
    _site(old, first, "1701 Ming Ave", ["Front door", "Driveway"])
    _site(old, second, "2400 Ming Ave", ["Shop"])
    _site(old, third, "5300 White Ln", ["Back yard"])
    for registrant, days in ((first, 365), (second, 30), (third, 7)):
        _consent(old, registrant, days)
    old.apps.get_model("registry", "RegistrantNote").objects.create(
        registrant=second, author_name="Carla", body="Called about the shop."
    )
    AccessToken = old.apps.get_model("registry", "AccessToken")
    AccessToken.objects.create(
        registrant=third,
        purpose="verify_email",
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    # Someone else, and a registration that was turned down with Ana's address: untouched.
    bob = _registrant(old, email="bob@example.com", status="active", name="Bob", days_ago=10)
    turned_down = _registrant(
        old, email="ana@example.com", status="rejected", name="Ana", days_ago=400
    )

    new = migrator.apply_tested_migration(AFTER)
    Registrant = new.apps.get_model("registry", "Registrant")
    Site = new.apps.get_model("registry", "Site")
    Camera = new.apps.get_model("registry", "Camera")
    Consent = new.apps.get_model("registry", "Consent")

    kept = Registrant.objects.get(email_key="ana@example.com", status__in=["active"])
    assert kept.pk == first.pk  # the registration furthest along
    assert not Registrant.objects.filter(pk__in=[second.pk, third.pk]).exists()
    # The newest contact details, every place and camera, every consent.
    assert (kept.name, kept.phone, kept.language) == ("Ana Ruiz", "+16615550199", "es")
    assert kept.email_key == "ana@example.com"
    assert kept.verified_at is not None and kept.confirmed_at is not None
    assert sorted(Site.objects.filter(registrant=kept).values_list("street", flat=True)) == [
        "1701 Ming Ave",
        "2400 Ming Ave",
        "5300 White Ln",
    ]
    assert Camera.objects.filter(site__registrant=kept).count() == 4
    assert Consent.objects.filter(registrant=kept).count() == 3
    notes = new.apps.get_model("registry", "RegistrantNote").objects
    assert notes.filter(registrant=kept).count() == 1
    assert not new.apps.get_model("registry", "AccessToken").objects.exists()
    assert Registrant.objects.filter(pk__in=[bob.pk, turned_down.pk]).count() == 2

    # Each merge is in the audit log.
    AuditEvent = new.apps.get_model("audit", "AuditEvent")
    [event] = AuditEvent.objects.filter(action="registration.merged")
    assert event.target_id == str(kept.pk)
    assert sorted(event.details["merged"]) == sorted([second.pk, third.pk])

    # From now on the database keeps it so.
    with pytest.raises(IntegrityError), transaction.atomic():
        Registrant.objects.create(
            kind="resident", name="Ana", email="ana@example.com", email_key="ana@example.com",
            status="unverified",
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_nothing_to_merge_changes_nothing(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    one = _registrant(old, email="One@Example.com", status="active", name="One", days_ago=3)
    new = migrator.apply_tested_migration(AFTER)
    Registrant = new.apps.get_model("registry", "Registrant")
    assert Registrant.objects.get(pk=one.pk).email_key == "one@example.com"
    assert (
        not new.apps.get_model("audit", "AuditEvent")
        .objects.filter(action="registration.merged")
        .exists()
    )
