"""camreg.tokens: the one helper for single-use links and API tokens."""

from __future__ import annotations

import ast
import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from camreg import tokens
from camreg.accounts.models import User
from camreg.api.models import ApiToken
from camreg.registry.models import AccessToken, Registrant

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def make_registrant(email: str = "ana@example.com") -> Registrant:
    return Registrant.objects.create(kind="resident", name="Ana Ruiz", email=email)


def issue_link(registrant: Registrant, purpose: str = "manage", lifetime: timedelta = HOUR):
    return tokens.issue(
        AccessToken,
        purpose=purpose,
        lifetime=lifetime,
        revoke_earlier_for="registrant",
        registrant=registrant,
    )


def issue_api_token(user: User, name: str = "dispatch"):
    return tokens.issue(
        ApiToken,
        purpose="api",
        revoke_earlier_for=None,
        user=user,
        name=name,
        prefix="",
    )


# The module and the model ----------------------------------------------------------------


def test_the_helper_imports_nothing_from_other_apps():
    tree = ast.parse(Path(tokens.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported if name.startswith("camreg")}


def test_token_is_abstract_and_every_token_model_inherits_it():
    assert tokens.Token._meta.abstract
    from camreg.accounts.models import StaffToken
    from camreg.footage.models import FootageLink

    for model in (AccessToken, StaffToken, FootageLink, ApiToken):
        assert issubclass(model, tokens.Token)
        assert model._meta.get_field("token_hash").unique


# Only hashes are stored ---------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_hash_of_the_secret_is_stored():
    row, secret = issue_link(make_registrant())
    assert len(secret) >= 43
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = AccessToken.objects.filter(pk=row.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AccessToken._meta.db_table}")  # noqa: S608
        assert not any(secret in str(value) for line in cursor.fetchall() for value in line)


@pytest.mark.django_db
def test_every_secret_is_new():
    registrant = make_registrant()
    secrets_issued = {issue_link(registrant, purpose=f"p{n}")[1] for n in range(20)}
    assert len(secrets_issued) == 20


@pytest.mark.django_db
def test_an_api_secret_carries_its_prefix():
    secret = tokens.new_secret("crk_")
    assert secret.startswith("crk_") and len(secret) == 4 + 43
    with pytest.raises(ValueError):
        tokens.issue(ApiToken, purpose="api", revoke_earlier_for=None, secret="crk_short")


# Finding and using -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_is_found_then_used_once():
    row, secret = issue_link(make_registrant())
    found = tokens.find_usable(AccessToken, secret, purpose="manage")
    assert found == row
    assert tokens.use(found) is True
    assert found.used_at is not None
    assert tokens.use(found) is False  # the same request twice
    assert tokens.find_usable(AccessToken, secret, purpose="manage") is None


@pytest.mark.django_db
def test_two_requests_holding_the_same_link_one_wins():
    _row, secret = issue_link(make_registrant())
    first = tokens.find_usable(AccessToken, secret, purpose="manage")
    second = tokens.find_usable(AccessToken, secret, purpose="manage")
    assert first is not None and second is not None and first is not second
    assert [tokens.use(first), tokens.use(second)] == [True, False]
    assert AccessToken.objects.get().used_at == first.used_at


@pytest.mark.django_db
def test_a_link_for_another_purpose_finds_nothing():
    _row, secret = issue_link(make_registrant(), purpose="verify_email")
    assert tokens.find_usable(AccessToken, secret, purpose="manage") is None
    assert tokens.find_usable(AccessToken, secret, purpose=["manage", "verify_email"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two writers at once need a server database"
)
def test_two_connections_using_the_same_link_at_once_one_wins():
    """One connection has used the link but not committed; the other's UPDATE waits for it
    on the row lock, then finds the link used."""
    _row, secret = issue_link(make_registrant())
    results: dict[str, bool] = {}
    first_used = threading.Event()
    release = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                row = tokens.find_usable(AccessToken, secret, purpose="manage")
                results["first"] = tokens.use(row)
                first_used.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_used.wait(timeout=20)
            with transaction.atomic():
                row = tokens.find_usable(AccessToken, secret, purpose="manage")
                # Still unused as far as this connection can see: it was not committed.
                assert row is not None
                results["second"] = tokens.use(row)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_used.wait(timeout=20)
    with connection.cursor() as cursor:  # wait until the second UPDATE blocks on the lock
        for _ in range(400):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the second UPDATE never waited for the first")
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {"first": True, "second": False}
    assert AccessToken.objects.filter(used_at__isnull=False).count() == 1


# Expiry ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_expires_after_its_lifetime():
    with time_machine.travel(NOW, tick=False) as traveller:
        row, secret = issue_link(make_registrant(), lifetime=timedelta(minutes=30))
        assert row.expires_at == NOW + timedelta(minutes=30)
        traveller.move_to(NOW + timedelta(minutes=29, seconds=59))
        found = tokens.find_usable(AccessToken, secret, purpose="manage")
        assert found is not None and found.is_usable()
        traveller.move_to(NOW + timedelta(minutes=30))
        assert tokens.find_usable(AccessToken, secret, purpose="manage") is None
        assert not found.is_usable()
        # Found a moment before it expired, used a moment after: refused.
        assert tokens.use(found) is False
        assert AccessToken.objects.usable().count() == 0


@pytest.mark.django_db
def test_a_fixed_expiry_time_and_no_expiry():
    registrant = make_registrant()
    row, _secret = tokens.issue(
        AccessToken,
        purpose="manage",
        expires_at=NOW,
        revoke_earlier_for="registrant",
        registrant=registrant,
    )
    assert row.expires_at == NOW
    with pytest.raises(ValueError):
        tokens.issue(
            AccessToken,
            purpose="manage",
            lifetime=HOUR,
            expires_at=NOW,
            revoke_earlier_for="registrant",
            registrant=registrant,
        )


@pytest.mark.django_db
def test_an_api_token_does_not_expire():
    user = User.objects.create_user("dispatch@kcso.example", None, full_name="Dispatch")
    row, secret = issue_api_token(user)
    assert row.expires_at is None
    with time_machine.travel(timezone_now_plus(days=3650), tick=False):
        assert tokens.find_usable(ApiToken, secret, purpose="api") == row


def timezone_now_plus(**delta) -> datetime:
    from django.utils import timezone

    return timezone.now() + timedelta(**delta)


# The revocation rule ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_link_revokes_the_earlier_unused_ones_of_the_same_subject_and_purpose():
    ana, ben = make_registrant(), make_registrant("ben@example.com")
    used, used_secret = issue_link(ana)
    assert tokens.use(used)
    _first, first = issue_link(ana)
    _verify, verify = issue_link(ana, purpose="verify_email")
    _bens, bens = issue_link(ben)
    _second, second = issue_link(ana)

    assert tokens.find_usable(AccessToken, first, purpose="manage") is None
    assert tokens.find_usable(AccessToken, second, purpose="manage") is not None
    # Another purpose and another subject are left alone.
    assert tokens.find_usable(AccessToken, verify, purpose="verify_email") is not None
    assert tokens.find_usable(AccessToken, bens, purpose="manage") is not None
    # The revoked one is kept (not deleted), marked revoked; the used one stays used.
    assert AccessToken.objects.get(pk=_first.pk).revoked_at is not None
    used.refresh_from_db()
    assert used.used_at is not None and used.revoked_at is None


@pytest.mark.django_db
def test_a_new_api_token_revokes_none_of_the_others():
    user = User.objects.create_user("dispatch@kcso.example", None, full_name="Dispatch")
    _one, first = issue_api_token(user, "dispatch")
    _two, second = issue_api_token(user, "records")
    assert tokens.find_usable(ApiToken, first, purpose="api") is not None
    assert tokens.find_usable(ApiToken, second, purpose="api") is not None


@pytest.mark.django_db
def test_revoking_explicitly():
    registrant = make_registrant()
    row, secret = issue_link(registrant)
    _other, other = issue_link(registrant, purpose="verify_email")
    assert tokens.revoke(row) == 1
    assert row.revoked_at is not None
    assert tokens.revoke(row) == 0  # already revoked: nothing changes
    assert tokens.find_usable(AccessToken, secret, purpose="manage") is None
    assert tokens.use(row) is False
    assert tokens.revoke(AccessToken.objects.filter(registrant=registrant)) == 1
    assert tokens.find_usable(AccessToken, other, purpose="verify_email") is None


@pytest.mark.django_db
def test_the_subject_must_be_named_in_the_fields():
    with pytest.raises(ValueError):
        tokens.issue(
            AccessToken,
            purpose="manage",
            lifetime=HOUR,
            revoke_earlier_for="registrant",
            registrant_id=make_registrant().pk,
        )


# Hostile input ---------------------------------------------------------------------------

HYPOTHESIS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hostile = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=100),  # with surrogates
    st.sampled_from(
        ["", " ", "\x00", "a\x00b", "' OR 1=1 --", "%", "_", "*", "crk_", "x" * 5000, "\ud800"]
    ),
)


@pytest.fixture
def live_link(db):
    row, secret = issue_link(make_registrant())
    return row, secret


@HYPOTHESIS
@given(text=hostile)
def test_arbitrary_strings_never_raise_and_never_match(live_link, text):
    row, secret = live_link
    assume(text != secret)
    assert tokens.find_usable(AccessToken, text, purpose="manage") is None
    assert len(tokens.hash_secret(text)) == 64
    # The hash of the secret itself is not a key either.
    assert tokens.find_usable(AccessToken, row.token_hash, purpose="manage") is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"], {"a": 1}])
def test_values_that_are_not_strings_find_nothing(value):
    issue_link(make_registrant())
    assert tokens.find_usable(AccessToken, value, purpose="manage") is None
