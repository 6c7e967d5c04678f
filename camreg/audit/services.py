"""Recording and verifying audit events: the only way anything writes to the audit log.

Every row is chained with HMAC-SHA256 under the audit key (`chain`, decision 0017); signed
checkpoints outside the database (`checkpoints`) let verification notice removed newest rows.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import chain, checkpoints
from .chain import GENESIS
from .checkpoints import Checkpoint
from .models import ActorType, AuditEvent, Outcome, Scheme

logger = logging.getLogger(__name__)

__all__ = ["GENESIS", "BrokenLink", "Verification", "record", "verify", "verify_chain"]
# Serialises appends on PostgreSQL (SQLite serialises writers already).
_ADVISORY_LOCK_KEY = 0x4341_4D52  # "CAMR"


def _actor_fields(actor, request) -> dict:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is None:
        kind = ActorType.ANONYMOUS if request is not None else ActorType.SYSTEM
        return {"actor_type": kind, "actor_id": "", "actor_label": "", "role": ""}
    if actor._meta.label_lower == "registry.registrant":
        return {
            "actor_type": ActorType.REGISTRANT,
            "actor_id": str(actor.pk),
            "actor_label": "",
            "role": "registrant",
        }
    return {
        "actor_type": ActorType.STAFF,
        "actor_id": str(actor.pk),
        "actor_label": f"{actor.full_name} <{actor.email}>",
        "role": ",".join(sorted(getattr(actor, "roles", []) or [])),
    }


_LAST_HASH_SQL = f"SELECT hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1"  # noqa: S608  # nosec B608 - the model's table name


def _locked_chain_head() -> str | None:
    """The newest row's hash, read once this transaction holds the right to append.

    PostgreSQL: the transaction-scoped advisory lock, then the read, sent together (two
    statements in one round trip; under READ COMMITTED the read takes its snapshot after the
    lock is granted, so it sees the row of the append that held the lock before). SQLite
    serialises writers itself. A search is audited on every call: this is its hot path.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{_LOCK_SQL}; {_LAST_HASH_SQL}")
            cursor.nextset()
        else:
            cursor.execute(_LAST_HASH_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


_LOCK_SQL = f"SELECT pg_advisory_xact_lock({int(_ADVISORY_LOCK_KEY)})"


def _link(event: AuditEvent, head: str | None, key: chain.AuditKey) -> None:
    event.prev_hash = head or GENESIS
    event.scheme = Scheme.HMAC_SHA256
    event.key_id = key.key_id
    event.hash = chain.hmac_hash(event, key)


def _roll_back_open_transaction(cursor) -> None:
    from psycopg.pq import TransactionStatus

    if connection.connection is None:
        return
    if connection.connection.info.transaction_status == TransactionStatus.IDLE:
        return
    try:
        cursor.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - the first error is the one to raise
        logger.exception("audit: could not roll back a failed append; closing the connection")
        connection.close()


def _appends_alone() -> bool:
    """Whether an append here is its own transaction on PostgreSQL (autocommit, no
    transaction open): the case the fewer-round-trip paths are for."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()
        # Client-side binding (Django's default): the statements go as one text each.
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    )


def _appending_alone(event: AuditEvent, key: chain.AuditKey) -> Iterator[AuditEvent]:
    """The append as its own transaction on PostgreSQL, in two round trips instead of the
    four `transaction.atomic()` would take: `BEGIN`, the lock and the chain head sent as
    one text; then, the row linked and hashed, `INSERT ... RETURNING id; COMMIT` as
    another. The same statements in the same transaction under the same lock, and the
    same durable commit: only fewer waits for the network.

    It yields once, between sending the row with COMMIT and reading their answer: the
    caller's computation (recording()'s block) runs while the database writes and
    flushes the row. The answer is read when the caller resumes it, and a failure raised
    then. Any failure (the key, the row, the connection) rolls the transaction back and
    leaves the connection as it was found: in autocommit, with no transaction open.
    """
    from psycopg import errors, generators
    from psycopg.pq import ExecStatus

    connection.ensure_connection()
    raw = connection.connection
    pgconn = raw.pgconn
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"BEGIN; {_LOCK_SQL}; {_LAST_HASH_SQL}")
            cursor.nextset()
            cursor.nextset()
            row = cursor.fetchone()
            _link(event, row[0] if row else None, key)
            sql, values = _insert_statement(event)
            text = cursor.mogrify(f"{sql}; COMMIT", values)
            sent = time.monotonic()
            with connection.wrap_database_errors:
                with raw.lock:
                    pgconn.send_query(text.encode(raw.info.encoding))
                    raw.wait(generators.send(pgconn))
                try:
                    with _no_queries():
                        yield event
                finally:
                    with raw.lock:
                        results = raw.wait(generators.fetch_many(pgconn))
                for result in results:
                    if result.status == ExecStatus.FATAL_ERROR:
                        raise errors.error_from_result(result, encoding=raw.info.encoding)
                inserted, committed = results
                if (inserted.status, committed.status) != (
                    ExecStatus.TUPLES_OK,
                    ExecStatus.COMMAND_OK,
                ):
                    raise errors.InternalError("audit: unexpected answer to the append")
                event.pk = int(inserted.get_value(0, 0))
            if connection.queries_logged:  # as Django's debug cursor logs what it sends
                connection.queries_log.append(
                    {"sql": text, "time": f"{time.monotonic() - sent:.3f}"}
                )
        except BaseException:
            _roll_back_open_transaction(cursor)
            raise
    _inserted(event)


class QueryDuringRecording(RuntimeError):
    """A query inside audit.recording()'s block (which must only compute)."""


@contextmanager
def _no_queries() -> Iterator[None]:
    def refuse(execute, sql, params, many, context):
        raise QueryDuringRecording(
            "audit.recording(): the block runs while the audit row is being written and "
            "must not query the database"
        )

    with connection.execute_wrapper(refuse):
        yield


def record(action: str, **fields) -> AuditEvent:
    """Append one event to the audit log (arguments: `_event`'s).

    Call it inside the transaction of the change it records: the event is part of that
    transaction, without a savepoint, so a failed append leaves it to roll back whole and
    nothing the caller catches can commit the change without its record. A failure or
    denial that rolls back should be recorded after the rollback. Alone on PostgreSQL
    (autocommit, no transaction open) the append is its own transaction, in two round
    trips (`_appending_alone`).
    """
    with recording(action, **fields) as event:
        pass
    return event


@contextmanager
def recording(action: str, **fields) -> Iterator[AuditEvent]:
    """Record a read while the caller finishes work that needs no database: what record()
    does (the same arguments), with the block run while the row is being committed.

        with audit.recording("canvass.searched", actor=user, details=details) as event:
            results = rank(found)  # no query here: refused inside the block
        show(results, event.pk)

    Everything the event says is known before the block (it is hashed and sent first);
    the block only computes. When the block ends the event is committed, or its failure
    raised: nothing done in the block can leave without its record. If the block raises,
    the record is still completed (the read it records happened) and the block's error
    raised. On PostgreSQL, for an append that is its own transaction, the row and COMMIT
    are sent before the block and their answer read after it, so the commit's flush to
    disk overlaps the block's work; elsewhere the event is appended first (inside the
    caller's transaction, without a savepoint), then the block runs.
    """
    event = _event(action, **fields)
    key = chain.current_key()  # no key, no audit log: refuse before changing anything
    if _appends_alone():
        yield from _appending_alone(event, key)
        return
    with transaction.atomic(savepoint=False):
        _link(event, _locked_chain_head(), key)
        _insert(event)
    with _no_queries():
        yield event


def _event(
    action: str,
    *,
    actor=None,
    request=None,
    target=None,
    target_type: str = "",
    target_id: str | int = "",
    case_number: str = "",
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    details: dict | None = None,
) -> AuditEvent:
    """The event record() and recording() append, not yet linked.

    `actor` is a staff user, a registrant, or None (the request's signed-in user, else the
    system or an anonymous visitor). `target` is a model instance (its type and id are
    stored, never its content). `request.audit_via`, when the entry point set it, goes
    into `details["via"]`.
    """
    from camreg.web.http import client_ip

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    # What the actor acted through, set on the request by the entry point (the API token a
    # service account used: camreg.api.auth), is named in every event of that request.
    via = getattr(request, "audit_via", None) if request is not None else None
    if via:
        details = {**(details or {}), "via": via}
    return AuditEvent(
        at=timezone.now(),
        **_actor_fields(actor, request),
        ip_address=client_ip(request) if request is not None else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        case_number=case_number or "",
        reason=reason or "",
        outcome=outcome,
        details=json.loads(json.dumps(details or {}, default=str)),
    )


_COLUMNS = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)


def _insert_statement(event: AuditEvent) -> tuple[str, list]:
    """The INSERT ... RETURNING id that Model.save() sends, without its per-call machinery
    (every search writes one), and its values, prepared by the model's own fields. No
    signal listens to audit rows."""
    quote = connection.ops.quote_name
    table, pk = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(f.column) for f in _COLUMNS)}) "  # noqa: S608  # nosec B608 - model names, placeholders
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) RETURNING {pk}"
    )
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _COLUMNS]
    return sql, values


def _insert(event: AuditEvent) -> None:
    sql, values = _insert_statement(event)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        event.pk = cursor.fetchone()[0]
    _inserted(event)


def _inserted(event: AuditEvent) -> None:
    event._state.adding = False
    event._state.db = connection.alias


# Verifying ----------------------------------------------------------------------------


@dataclass
class BrokenLink:
    """The first event (by id) where the log is not what it should be, and what is wrong."""

    event_id: int
    problem: str


@dataclass
class Verification:
    checked: int = 0  # events that verify, oldest first, before the first problem
    problems: list[BrokenLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unkeyed: int = 0  # plain SHA-256 events from before the audit key, sealed after them
    key_ids: list[str] = field(default_factory=list)  # the keys the checked events were made with
    last_event_id: int | None = None
    checkpoint_source: str = ""  # file read, "" when none
    checkpoints_checked: int = 0  # checkpoints compared with the log
    latest_checkpoint: Checkpoint | None = None
    uncovered: int = 0  # events newer than the latest checkpoint (not yet protected by one)

    @property
    def broken(self) -> BrokenLink | None:
        return self.problems[0] if self.problems else None


class _ChainWalk:
    """Checks rows one by one, oldest first, as verification and sealing read them."""

    def __init__(self) -> None:
        ring = chain.keyring()
        self.keys = {key.key_id: (rank, key) for rank, key in enumerate(ring)}
        self.previous = GENESIS
        self.rank = -1
        self.keyed_seen = False
        self.unsealed: list[int] = []  # unkeyed events no keyed event has followed yet
        self.unsealed_from_checked = 0
        self.checked = 0
        self.unkeyed = 0
        self.key_ids: list[str] = []

    def feed(self, event) -> str | None:
        """What is wrong with `event` after the rows fed before it, or None."""
        if event.prev_hash != self.previous:
            return (
                "its link to the previous event does not match: an event before it was "
                "removed, or it was moved"
            )
        if event.scheme == Scheme.SHA256:
            if self.keyed_seen:
                return (
                    "it carries a plain SHA-256 hash after events made with the audit key: "
                    "it was written or rewritten without the key"
                )
            if not chain.same(chain.sha256_hash(event), event.hash):
                return "its content does not match its hash (changed)"
            if not self.unsealed:
                self.unsealed_from_checked = self.checked
            self.unsealed.append(event.pk)
            self.unkeyed += 1
        elif event.scheme == Scheme.HMAC_SHA256:
            known = self.keys.get(event.key_id)
            if known is None:
                return (
                    f"it was made with audit key {event.key_id or '(none)'}, which is not "
                    "configured (AUDIT_HMAC_KEY, AUDIT_HMAC_RETIRED_KEYS): it cannot be "
                    "verified, or it was forged"
                )
            rank, key = known
            if rank < self.rank:
                return (
                    f"it was made with the retired audit key {event.key_id} after events made "
                    "with a newer key: forged with an old key"
                )
            if not chain.same(chain.hmac_hash(event, key), event.hash):
                return (
                    "its content does not match its keyed hash (changed, or re-chained "
                    "without the audit key)"
                )
            self.rank, self.keyed_seen = rank, True
            self.unsealed = []  # a valid keyed hash over the previous hash seals all before it
            if event.key_id not in self.key_ids:
                self.key_ids.append(event.key_id)
        else:
            return f"it names an unknown hash scheme ({event.scheme})"
        self.previous = event.hash
        self.checked += 1
        return None

    def finish(self) -> BrokenLink | None:
        """Unkeyed events at the end, with no keyed event after them, prove nothing."""
        if not self.unsealed:
            return None
        return BrokenLink(
            self.unsealed[0],
            f"it and the {len(self.unsealed) - 1} event(s) after it carry plain SHA-256 hashes "
            "(which anyone can recompute) and no event made with the audit key follows "
            "them: the log was rewritten without the key, or the key-change marker and "
            "everything after it were removed",
        )


def verify(
    *,
    checkpoint_file: str | None = None,
    checkpoint_lines: int | None = None,
    batch_size: int = 2000,
) -> Verification:
    """Walk the whole log and compare it with the signed checkpoints.

    `checkpoint_file` defaults to AUDIT_CHECKPOINT_FILE ("" reads none); `checkpoint_lines`
    limits the comparison to the newest lines of it (None: every checkpoint). Stops at the
    first broken link; forged checkpoint lines are problems too.
    """
    result = Verification()
    if checkpoint_file is None:
        checkpoint_file = settings.AUDIT_CHECKPOINT_FILE
    readout = checkpoints.Readout()
    if checkpoint_file:
        result.checkpoint_source = str(checkpoint_file)
        readout = checkpoints.read(checkpoint_file, last=checkpoint_lines)
    pending = deque(c for c in checkpoints.ordered(readout.checkpoints) if c.head_id is not None)
    result.latest_checkpoint = max(readout.checkpoints, key=lambda c: c.at, default=None)

    walk = _ChainWalk()
    broken: BrokenLink | None = None
    for event in _iterate(batch_size):
        if pending and pending[0].head_id < event.pk:  # type: ignore[operator]
            gone = pending.popleft()
            broken = BrokenLink(
                gone.head_id,  # type: ignore[arg-type]
                f"it is missing: {gone.describe()} recorded it as the newest of "
                f"{gone.rows} event(s), with hash {gone.head_hash[:16]}…",
            )
        if broken is None and (problem := walk.feed(event)) is not None:
            broken = BrokenLink(event.pk, problem)
        if broken is None and pending and pending[0].head_id == event.pk:
            broken = _compare(pending.popleft(), event, walk.checked)
            if broken is None:
                result.checkpoints_checked += 1
            else:
                walk.checked -= 1  # this event is the broken one
        if broken is not None:
            break
        result.last_event_id = event.pk
    else:
        if pending:
            cut = pending[-1]
            broken = BrokenLink(
                cut.head_id,  # type: ignore[arg-type]
                f"it is missing: {cut.describe()} recorded {cut.rows} event(s) up to event "
                f"{cut.head_id}, but the log now ends at event {result.last_event_id or '-'} "
                f"after {walk.checked} event(s): the newest events were removed (at least "
                f"{cut.rows - walk.checked})",
            )
        else:
            broken = walk.finish()
            if broken is not None:
                walk.checked = walk.unsealed_from_checked
    result.checked, result.unkeyed, result.key_ids = walk.checked, walk.unkeyed, walk.key_ids
    if broken is not None:
        result.problems.append(broken)
    for forged, problem in readout.forged:
        result.problems.append(
            BrokenLink(forged.head_id or 0, f"{forged.describe()} naming it: {problem}")
        )
    _checkpoint_warnings(result, readout, checkpoint_file)
    return result


def _compare(checkpoint: Checkpoint, event: AuditEvent, counted: int) -> BrokenLink | None:
    if not chain.same(checkpoint.head_hash, event.hash):
        return BrokenLink(
            event.pk,
            f"its hash differs from the one {checkpoint.describe()} recorded for it "
            f"({checkpoint.head_hash[:16]}…): the event was rewritten",
        )
    if checkpoint.rows != counted:
        return BrokenLink(
            event.pk,
            f"{checkpoint.describe()} counted {checkpoint.rows} event(s) up to it, the log now "
            f"holds {counted}: events before it were removed or added",
        )
    return None


def _checkpoint_warnings(result: Verification, readout, checkpoint_file: str) -> None:
    latest = result.latest_checkpoint
    has_events = result.last_event_id is not None or result.problems
    if not checkpoint_file:
        if not settings.AUDIT_CHECKPOINT_SYSLOG:
            result.warnings.append(
                "Checkpoints are off (AUDIT_CHECKPOINT_FILE and AUDIT_CHECKPOINT_SYSLOG are "
                "empty): removing the newest events cannot be detected."
            )
        return
    if readout.unreadable:
        result.warnings.append(
            f"{len(readout.unreadable)} line(s) mention a checkpoint but cannot be read "
            f"(first: {readout.unreadable[0]})."
        )
    if latest is None:
        if has_events:
            where = "does not exist" if readout.missing else "holds no checkpoint"
            result.warnings.append(
                f"{checkpoint_file} {where}: removing the newest events cannot be detected "
                "until the scheduler writes a checkpoint (or `manage.py write_audit_checkpoint`)."
            )
        return
    result.uncovered = AuditEvent.objects.filter(pk__gt=latest.head_id or 0).count()
    minutes = settings.AUDIT_CHECKPOINT_MINUTES
    if minutes > 0:
        age = timezone.now() - latest.written_at
        if age > timedelta(minutes=2 * minutes + 1):
            result.warnings.append(
                f"The newest checkpoint is from {latest.at}, {int(age.total_seconds() // 60)} "
                f"minutes ago (one is due every {minutes}): is the scheduler running, or was "
                f"{checkpoint_file} replaced by an older copy?"
            )


def verify_chain(batch_size: int = 2000) -> tuple[int, BrokenLink | None]:
    """Quick check for the console: (events that verify, the first problem or None).

    Compares the chain with the newest checkpoints only; `verify_audit_chain` reads them all.
    """
    result = verify(checkpoint_lines=checkpoints.RECENT, batch_size=batch_size)
    return result.checked, result.broken


def _iterate(batch_size: int, model=AuditEvent) -> Iterator[AuditEvent]:
    last_pk = 0
    while True:
        batch = list(model.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk


# Checkpoints ---------------------------------------------------------------------------


def write_checkpoint(*, now: datetime | None = None) -> Checkpoint | None:
    """Sign the log's current state and write it outside the database (the scheduled job).

    Before appending to the file, the previous checkpoint's event must still be there,
    unchanged and with as many events before it; if not, that is logged as critical and
    recorded in the log (`audit.checkpoint_mismatch`), and the new checkpoint is written
    anyway (the old one stays in the file for `verify_audit_chain`).
    """
    file, address = settings.AUDIT_CHECKPOINT_FILE, settings.AUDIT_CHECKPOINT_SYSLOG
    if not file and not address:
        logger.warning("Audit checkpoints are off (AUDIT_CHECKPOINT_FILE, AUDIT_CHECKPOINT_SYSLOG)")
        return None
    head = AuditEvent.objects.order_by("-pk").values_list("pk", "hash").first()
    rows = AuditEvent.objects.filter(pk__lte=head[0]).count() if head else 0
    made = checkpoints.make(
        rows=rows,
        head_id=head[0] if head else None,
        head_hash=head[1] if head else GENESIS,
        at=now or timezone.now(),
    )
    if file:
        previous = checkpoints.latest(file)
        mismatch = _since(previous) if previous is not None else None
        if mismatch is not None:
            logger.critical("Audit log changed since the last checkpoint: %s", mismatch)
            record(
                "audit.checkpoint_mismatch",
                outcome=Outcome.FAILURE,
                details={"problem": mismatch, "checkpoint": previous.fields()},  # type: ignore[union-attr]
            )
        checkpoints.append_to_file(file, made)
    if address:
        try:
            checkpoints.send_to_syslog(address, made)
        except (OSError, ValueError):
            if not file:
                raise
            logger.exception("Could not send the audit checkpoint to syslog at %s", address)
    return made


def _since(previous: Checkpoint) -> str | None:
    """What differs between the log now and `previous`, or None."""
    if previous.head_id is None:
        return None
    found = AuditEvent.objects.filter(pk=previous.head_id).values_list("hash", flat=True).first()
    if found is None:
        return f"event {previous.head_id} is missing; {previous.describe()} recorded it"
    if not chain.same(found, previous.head_hash):
        return f"event {previous.head_id} differs from {previous.describe()}"
    counted = AuditEvent.objects.filter(pk__lte=previous.head_id).count()
    if counted != previous.rows:
        return (
            f"{counted} event(s) up to event {previous.head_id}, {previous.describe()} "
            f"counted {previous.rows}"
        )
    return None


# Sealing the unkeyed events of an older installation ----------------------------------

KEY_CHANGE_ACTION = "audit.chain_keyed"


def seal_unkeyed_events(model=AuditEvent):
    """Append the key-change marker after events chained with plain SHA-256 (migration 0004).

    Its keyed hash covers the hash of the last unkeyed event, so from now on the unkeyed
    events cannot be rewritten and re-chained without the audit key either. Its details say
    how many there were and whether their chain verified when they were sealed. `model` is
    the migration's historical model. Returns the marker, or None when there is nothing to
    seal (a new installation, or already sealed).
    """
    last = model.objects.order_by("-pk").first()
    if last is None or last.scheme != Scheme.SHA256:
        return None
    key = chain.current_key()
    walk = _ChainWalk()
    broken: BrokenLink | None = None
    for event in _iterate(2000, model):
        problem = walk.feed(event)
        if problem is not None:
            broken = BrokenLink(event.pk, problem)
            break
    marker = model(
        at=timezone.now(),
        actor_type=ActorType.SYSTEM,
        action=KEY_CHANGE_ACTION,
        reason=(
            "From here on every event is chained with HMAC-SHA256 under the audit key; the "
            "events before this one keep their plain SHA-256 hashes, sealed by this event."
        ),
        details={
            "unkeyed_events": model.objects.filter(scheme=Scheme.SHA256).count(),
            "last_unkeyed_event_id": last.pk,
            "last_unkeyed_hash": last.hash,
            "unkeyed_chain_intact": broken is None,
            "broken_event_id": broken.event_id if broken else None,
            "problem": broken.problem if broken else "",
            "key_id": key.key_id,
        },
        prev_hash=last.hash,
        scheme=Scheme.HMAC_SHA256,
        key_id=key.key_id,
    )
    marker.hash = chain.hmac_hash(marker, key)
    marker.save(force_insert=True)
    return marker
