"""The audit append's transaction: alone (PostgreSQL's two-round-trip path), inside the
caller's transaction, failing half-way, and several at once."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from camreg.audit import chain, services
from camreg.audit.models import AuditEvent

POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory lock and its own path"
)


def _other_connection():
    """A second connection to the test database, as another worker process would hold."""
    return connections.create_connection("default")


def _lock_is_free() -> bool:
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [services._ADVISORY_LOCK_KEY])
            taken = cursor.fetchone()[0]
            if taken:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [services._ADVISORY_LOCK_KEY])
        return taken
    finally:
        other.close()


def _visible_elsewhere(event_id: int) -> bool:
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_auditevent WHERE id = %s", [event_id])
            return cursor.fetchone()[0] == 1
    finally:
        other.close()


def _idle() -> bool:
    from psycopg.pq import TransactionStatus

    return (
        connection.get_autocommit()
        and not connection.in_atomic_block
        and connection.connection.info.transaction_status == TransactionStatus.IDLE
    )


def _refuse_the_row(monkeypatch) -> None:
    """The append's row becomes one the table refuses (a required column left out)."""
    monkeypatch.setattr(
        services,
        "_insert_statement",
        lambda event: (
            "INSERT INTO audit_auditevent (action) VALUES (%s) RETURNING id",
            [event.action],
        ),
    )


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_an_append_alone_is_committed_in_two_round_trips_and_links():
    first = services.record("system.purge", details={"count": 1})
    with CaptureQueriesContext(connection) as queries:
        second = services.record("system.purge", details={"count": 2})
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 2, statements
    assert statements[0].startswith("BEGIN; SELECT pg_advisory_xact_lock(")
    assert statements[1].endswith("; COMMIT")
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.get(pk=second.pk).hash == second.hash
    assert _visible_elsewhere(second.pk)  # committed, durable, not waiting for anything
    assert _idle() and _lock_is_free()
    assert services.verify().broken is None


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["after the lock", "at the row"])
def test_an_append_alone_that_fails_half_way_leaves_nothing_behind(monkeypatch, where):
    kept = services.record("system.purge", details={"count": 1})
    if where == "after the lock":

        def broken_hash(event, key):
            raise RuntimeError("the key went away")

        monkeypatch.setattr(chain, "hmac_hash", broken_hash)
        expected: type[Exception] = RuntimeError
    else:
        _refuse_the_row(monkeypatch)
        expected = DatabaseError
    with pytest.raises(expected):
        services.record("system.purge", details={"count": 2})
    assert _idle(), "the connection is left in autocommit with no transaction open"
    assert _lock_is_free(), "the append's lock went with its transaction"
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    monkeypatch.undo()
    after = services.record("system.purge", details={"count": 3})
    assert after.prev_hash == kept.hash
    assert services.verify().broken is None


@pytest.mark.django_db(transaction=True)
def test_a_failed_append_inside_a_transaction_takes_the_whole_transaction_with_it(
    monkeypatch,
):
    """No savepoint: a caller who catches the failure cannot commit its change (here, an
    earlier event) without the record that failed."""
    monkeypatch.setattr(
        services,
        "_link",
        _fail_on_second(services._link),
    )
    with transaction.atomic():
        services.record("system.purge", details={"count": 1})
        with pytest.raises(RuntimeError):
            services.record("system.purge", details={"count": 2})
        assert connection.needs_rollback
    assert not AuditEvent.objects.exists()
    monkeypatch.undo()
    with transaction.atomic():
        services.record("system.purge", details={"count": 3})
        services.record("system.purge", details={"count": 4})
    assert AuditEvent.objects.count() == 2
    assert services.verify().broken is None


def _fail_on_second(link):
    calls = []

    def wrapped(event, head, key):
        calls.append(event)
        if len(calls) == 2:
            raise RuntimeError("the second append fails")
        return link(event, head, key)

    return wrapped


@pytest.mark.django_db(transaction=True)
def test_appends_from_several_connections_at_once_make_one_chain():
    """Four workers appending at once (record() and recording()): every event links to
    exactly one other, no fork."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite in tests shares one in-memory connection between threads")
    per_worker, workers = 15, 4
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work(number: int) -> None:
        try:
            start.wait()
            for i in range(per_worker):
                if (number + i) % 2:  # both ways of appending, interleaved
                    services.record("system.purge", details={"worker": number, "i": i})
                else:
                    with services.recording("system.purge", details={"worker": number, "i": i}):
                        sum(range(2000))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = list(AuditEvent.objects.order_by("pk"))
    assert len(events) == per_worker * workers
    links = [event.prev_hash for event in events]
    assert len(set(links)) == len(links), "two events claim the same predecessor"
    assert services.verify().broken is None


# recording(): the record committed while the caller's block computes -------------------


@pytest.mark.django_db(transaction=True)
def test_recording_commits_the_event_and_runs_the_block():
    before = services.record("system.purge", details={"count": 1})
    ran = []
    with CaptureQueriesContext(connection) as queries:
        with services.recording("canvass.searched", details={"results": 3}) as event:
            ran.append(event.hash)  # linked and hashed before the block
    assert ran == [event.hash] and event.pk is not None
    assert event.prev_hash == before.hash
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    if connection.vendor == "postgresql":
        statements = [q["sql"] for q in queries.captured_queries]
        assert len(statements) == 2, statements
        assert statements[1].startswith("INSERT INTO") and statements[1].endswith("; COMMIT")
        assert _visible_elsewhere(event.pk)
        assert _idle() and _lock_is_free()
    assert services.verify().broken is None


@pytest.mark.django_db(transaction=True)
def test_the_block_may_not_query_and_its_error_comes_after_the_record():
    with pytest.raises(services.QueryDuringRecording):
        with services.recording("canvass.searched", details={}):
            AuditEvent.objects.count()
    # The read the event records may have happened: the event is kept.
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["canvass.searched"]
    if connection.vendor == "postgresql":
        assert _idle() and _lock_is_free()
    after = services.record("system.purge")
    assert services.verify().broken is None and after.pk


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_record_that_fails_while_the_block_runs_is_raised_when_it_ends(monkeypatch):
    """The block's results never leave without their record: the failure of the row
    (sent before the block, answered after it) is raised at the end of the block."""
    kept = services.record("system.purge")
    _refuse_the_row(monkeypatch)
    shown = []
    with pytest.raises(DatabaseError):
        with services.recording("canvass.searched", details={}):
            results = ["camera 1", "camera 2"]
        shown.extend(results)  # never reached
    assert shown == []
    assert _idle() and _lock_is_free()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    monkeypatch.undo()
    assert services.record("system.purge").prev_hash == kept.hash
    assert services.verify().broken is None


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_recording_inside_a_transaction_is_part_of_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        with services.recording("canvass.searched", details={}) as event:
            pass
        assert event.pk is not None
        raise RuntimeError("the caller's change fails")
    assert not AuditEvent.objects.exists()
