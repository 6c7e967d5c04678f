"""camreg.rows: one row read in one plain query, built as the ORM builds it, and the
per-request reads that use it (the session, the user, the second-factor device) refusing
what Django's and django-otp's refuse. Decision 0028."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from camreg import rows
from camreg.accounts.backends import StaffBackend
from camreg.accounts.models import AuthenticatorDevice, RecoveryCodeDevice, User
from camreg.canvass.models import MapState
from camreg.testing.staff import make_service_account, make_staff, signed_in
from camreg.web.sessions import SessionStore

pytestmark = pytest.mark.django_db

CONSOLE = "/console/"


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_an_instance_is_what_the_orm_builds():
    user = make_staff("deputy", "supervisor")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    fetched = rows.fetch(User, pk=user.pk)
    expected = User.objects.get(pk=user.pk)
    assert _fields(fetched) == _fields(expected)
    # Converted as the ORM converts: a list from JSON, aware datetimes, real booleans.
    assert fetched.roles == ["deputy", "supervisor"]
    assert fetched.last_login.tzinfo is not None
    assert fetched.is_active is True
    assert fetched._state.adding is False and fetched._state.db == "default"

    device = AuthenticatorDevice.objects.get(user=user)
    read = rows.fetch(AuthenticatorDevice, pk=device.pk)
    assert _fields(read) == _fields(device)
    assert read.bin_key == device.bin_key  # the encrypted key decrypts as the ORM's does


def test_no_match_is_none_and_greater_than_is_strict():
    user = make_staff("deputy")
    assert rows.fetch(User, pk=user.pk + 1000) is None
    assert rows.fetch(User, email=user.email, date_joined__gt=user.date_joined) is None
    earlier = user.date_joined - timedelta(seconds=1)
    assert rows.fetch(User, email=user.email, date_joined__gt=earlier).pk == user.pk


def test_only_equality_and_greater_than_on_columns():
    with pytest.raises(ValueError, match="__lt"):
        rows.fetch(User, date_joined__lt=timezone.now())
    with pytest.raises(ValueError, match="not a column"):
        rows.fetch(User, groups=1)


def test_one_query_each():
    user = make_staff("deputy")
    with CaptureQueriesContext(connection) as queries:
        rows.fetch(User, pk=user.pk)
        rows.fetch(MapState, pk=1)
    assert len(queries) == 2


# The session ------------------------------------------------------------------------------


def test_an_expired_session_is_not_loaded():
    store = SessionStore()
    store["kept"] = "yes"
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"kept": "yes"}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key next time, as Django's store does


def test_an_unknown_or_malformed_key_loads_nothing():
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore("short").load() == {}
    assert SessionStore("'; DROP TABLE django_session; --" + "a" * 8).load() == {}
    assert Session.objects.model._meta.db_table in connection.introspection.table_names()


def test_a_signed_in_session_works_and_an_expired_one_signs_out(client):
    staff = signed_in(make_staff("deputy"))
    assert staff.get(CONSOLE).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = staff.get(CONSOLE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


# The user ---------------------------------------------------------------------------------


def test_the_backend_refuses_deactivated_people_and_service_accounts():
    backend = StaffBackend()
    person = make_staff("deputy")
    assert backend.get_user(person.pk).pk == person.pk
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert backend.get_user(person.pk) is None
    assert backend.get_user(person.pk + 1000) is None
    robot = make_service_account("deputy")
    assert backend.get_user(robot.pk) is None


# The second-factor device -----------------------------------------------------------------


def _with_device(client, persistent_id: str):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    return client


def test_the_own_confirmed_device_verifies():
    client = signed_in(make_staff("deputy"))
    assert client.get(CONSOLE).status_code == 200


@pytest.mark.parametrize(
    "whose",
    ["another person's", "unconfirmed", "recovery codes of another", "garbage", "missing"],
)
def test_a_device_that_is_not_the_users_own_confirmed_one_does_not_verify(whose):
    user = make_staff("deputy")
    other = make_staff("deputy")
    client = signed_in(user)
    own = AuthenticatorDevice.objects.get(user=user)
    persistent_id = {
        "another person's": lambda: AuthenticatorDevice.objects.get(user=other).persistent_id,
        "unconfirmed": lambda: (
            AuthenticatorDevice.objects.filter(pk=own.pk).update(confirmed=False),
            own.persistent_id,
        )[1],
        "recovery codes of another": lambda: (
            RecoveryCodeDevice.objects.get(user=other).persistent_id
        ),
        "garbage": lambda: f"{AuthenticatorDevice.model_label()}/not-a-number",
        "missing": lambda: f"{AuthenticatorDevice.model_label()}/{own.pk + 1000}",
    }[whose]()
    response = _with_device(client, persistent_id).get(CONSOLE)
    # Signed in but without a second factor: sent to finish it, never into the console.
    assert response.status_code == 302
    assert "/console/" not in response["Location"].split("?")[0]
    assert DEVICE_ID_SESSION_KEY not in client.session  # django-otp drops what it refused


def test_own_recovery_codes_verify():
    user = make_staff("deputy")
    client = _with_device(signed_in(user), RecoveryCodeDevice.objects.get(user=user).persistent_id)
    assert client.get(CONSOLE).status_code == 200


# rows.many: many rows, on PostgreSQL bound by the server and read in binary -------------


def _users_sql(count: int) -> str:
    placeholders = ", ".join(["%s"] * count)
    return (
        "SELECT id, email, is_active, date_joined, last_login, CAST(roles AS TEXT) "  # noqa: S608
        f"FROM accounts_user WHERE id IN ({placeholders}) ORDER BY id"
    )


def test_many_gives_the_rows_the_usual_cursor_gives():
    people = [make_staff("deputy"), make_staff("auditor"), make_staff("supervisor")]
    people[1].last_login = timezone.now()
    people[1].save(update_fields=["last_login"])
    ids = [person.pk for person in people]
    sql = _users_sql(len(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        expected = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries:
        found = rows.many(sql, ids)
    assert found == expected and len(found) == 3
    assert [type(v) for v in found[1]] == [type(v) for v in expected[1]]
    if connection.vendor == "postgresql":  # binary timestamps: aware, in UTC, as in text
        assert found[1][4].utcoffset() == timedelta(0)
    assert len(queries.captured_queries) == 1  # the query log sees it
    assert rows.many(sql, [-1, -2, -3]) == []


def test_many_refuses_a_column_django_reads_as_text():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite gives JSON as text already")
    make_staff("deputy")
    with pytest.raises(ValueError, match="as text"):
        rows.many("SELECT CAST('{}' AS jsonb), CAST(%s AS inet)", ["127.0.0.1"])


def test_many_raises_the_databases_errors_as_django_does():
    from django.db import DatabaseError

    with pytest.raises(DatabaseError):
        rows.many("SELECT no_such_column FROM accounts_user WHERE id = %s", [1])
