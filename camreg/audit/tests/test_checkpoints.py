"""Signed checkpoints outside the database catch what a chain alone cannot: the newest
events removed (decision 0017)."""

import json
import logging
import os
import socket
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from camreg import scheduling
from camreg.audit import chain, checkpoints, services
from camreg.audit.models import AuditEvent

from .conftest import hmac_with

pytestmark = pytest.mark.django_db


def _events(count: int) -> list[AuditEvent]:
    for number in range(count):
        services.record("canvass.searched", case_number=f"KC2026-{number:06d}")
    return list(AuditEvent.objects.order_by("pk"))


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_checkpoint_is_a_signed_line_appended_to_the_file(checkpoint_file):
    events = _events(3)
    call_command("write_audit_checkpoint")
    _events(1)
    services.write_checkpoint()
    first, second = _lines(checkpoint_file)
    assert (first["rows"], first["head_id"], first["head_hash"]) == (
        3,
        events[-1].pk,
        events[-1].hash,
    )
    assert second["rows"] == 4 and second["head_id"] > first["head_id"]
    assert first["key_id"] == chain.current_key().key_id and len(first["sig"]) == 64
    assert oct(os.stat(checkpoint_file).st_mode & 0o777) == "0o640"
    assert len(checkpoints.read(checkpoint_file).checkpoints) == 2


def test_removing_the_newest_events_is_detected(checkpoint_file, attacker):
    """The reported hole: deleting the last three rows left the log "intact"."""
    events = _events(6)
    services.write_checkpoint()
    attacker.delete(*[event.pk for event in events[-3:]])
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain")
    message = str(failure.value)
    assert (
        f"Audit chain broken at event {events[-1].pk}: it is missing: the checkpoint of " in message
    )
    assert f"recorded 6 event(s) up to event {events[-1].pk}" in message
    assert f"the log now ends at event {events[2].pk} after 3 event(s)" in message
    assert "the newest events were removed" in message
    assert str(checkpoint_file) in message


def test_removal_followed_by_new_events_is_detected(checkpoint_file, attacker):
    """The newest events removed, then the log goes on from the shortened end."""
    events = _events(4)
    services.write_checkpoint()
    attacker.delete(events[-1].pk)
    _events(2)
    with pytest.raises(CommandError, match=f"broken at event {events[-1].pk}: it is missing"):
        call_command("verify_audit_chain")


def test_the_console_check_sees_it_too(checkpoint_file, attacker):
    events = _events(3)
    services.write_checkpoint()
    attacker.delete(events[-1].pk)
    checked, broken = services.verify_chain()
    assert checked == 2 and broken.event_id == events[-1].pk
    assert "the newest events were removed" in broken.problem


def test_an_edited_checkpoint_line_is_named(checkpoint_file):
    _events(2)
    services.write_checkpoint()
    line = _lines(checkpoint_file)[0]
    line["rows"] = 1
    checkpoint_file.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="line 1\\).*signature does not match"):
        call_command("verify_audit_chain")


def test_a_checkpoint_signed_with_another_key_is_named(checkpoint_file, settings):
    _events(1)
    settings.AUDIT_HMAC_KEY = "someone-elses-key-" + "s" * 40
    services.write_checkpoint()
    settings.AUDIT_HMAC_KEY = "test-only-audit-key-" + "k" * 40
    other = chain.derive("someone-elses-key-" + "s" * 40).key_id
    with pytest.raises(CommandError, match=f"signed with key {other}, which is not configured"):
        call_command("verify_audit_chain")


def test_the_job_notices_a_removal_since_the_last_checkpoint(checkpoint_file, attacker, caplog):
    events = _events(3)
    services.write_checkpoint()
    attacker.delete(events[-1].pk)
    with caplog.at_level(logging.CRITICAL, logger="camreg.audit.services"):
        services.write_checkpoint()
    assert f"event {events[-1].pk} is missing" in caplog.text
    mismatch = AuditEvent.objects.get(action="audit.checkpoint_mismatch")
    assert mismatch.outcome == "failure" and mismatch.details["checkpoint"]["rows"] == 3
    assert len(_lines(checkpoint_file)) == 2  # the old checkpoint stays to tell


def test_the_scheduler_writes_checkpoints(checkpoint_file):
    job = scheduling.Job("camreg.audit.tasks.write_checkpoint", 5 * scheduling.MINUTE)
    assert job in scheduling.JOBS
    _events(2)
    assert scheduling.enqueue_job(job)  # the test settings run tasks at once
    assert _lines(checkpoint_file)[0]["rows"] == 2


def test_without_checkpoints_it_warns_and_strict_fails(settings, capsys):
    _events(1)
    call_command("verify_audit_chain")
    assert "Checkpoints are off" in capsys.readouterr().err
    settings.AUDIT_CHECKPOINT_FILE = "/nonexistent/audit-checkpoints.jsonl"
    call_command("verify_audit_chain")
    assert (
        "does not exist: removing the newest events cannot be detected" in capsys.readouterr().err
    )
    with pytest.raises(CommandError, match="\\(strict\\).*does not exist"):
        call_command("verify_audit_chain", "--strict")


def test_an_old_newest_checkpoint_is_a_warning(checkpoint_file, capsys):
    _events(1)
    services.write_checkpoint(now=timezone.now() - timedelta(hours=2))
    call_command("verify_audit_chain")
    captured = capsys.readouterr()
    assert "1 compared" in captured.out
    assert "120 minutes ago (one is due every 5): is the scheduler running" in captured.err


def test_events_since_the_newest_checkpoint_are_counted(checkpoint_file, capsys):
    _events(2)
    services.write_checkpoint()
    _events(3)
    call_command("verify_audit_chain")
    assert "3 event(s) since" in capsys.readouterr().out


def test_the_newest_lines_only(checkpoint_file, settings):
    _events(1)
    with time_machine.travel(timezone.now() - timedelta(minutes=30), tick=False):
        services.write_checkpoint()
    line = _lines(checkpoint_file)[0]
    line["head_hash"] = "0" * 64  # an edited, old line outside the quick check's window
    checkpoint_file.write_text(json.dumps(line) + "\n")
    for _ in range(3):
        services.write_checkpoint()
    assert len(checkpoints.read(checkpoint_file, last=3).checkpoints) == 3
    assert services.verify(checkpoint_lines=3).broken is None
    assert "signature does not match" in services.verify().broken.problem


def test_checkpoints_sent_to_syslog_can_be_verified(checkpoint_file, settings, tmp_path):
    """Over UDP to a syslog server; the server's log file works as a checkpoint file."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(5)
    settings.AUDIT_CHECKPOINT_FILE = ""
    settings.AUDIT_CHECKPOINT_SYSLOG = f"udp://127.0.0.1:{server.getsockname()[1]}"
    try:
        events = _events(2)
        services.write_checkpoint()
        datagram = server.recv(65536).decode()
    finally:
        server.close()
    priority = 10 * 8 + 6  # authpriv.info
    assert datagram.startswith(f"<{priority}>camreg-audit: {{")
    received = tmp_path / "remote-syslog.log"
    received.write_text(
        "Dec  2 07:00:00 registry sshd[1]: unrelated\n"
        f"Dec  2 07:15:00 registry {datagram.split('>', 1)[1].rstrip(chr(0))}\n"
    )
    result = services.verify(checkpoint_file=str(received))
    assert result.broken is None and result.checkpoints_checked == 1
    assert result.latest_checkpoint.head_id == events[-1].pk


def test_a_bad_syslog_address_is_refused(settings):
    settings.AUDIT_CHECKPOINT_FILE = ""
    settings.AUDIT_CHECKPOINT_SYSLOG = "syslog.example.org"
    with pytest.raises(ValueError, match="udp://host:port"):
        services.write_checkpoint()


def test_even_with_the_key_a_rewrite_shows_against_the_checkpoint(
    checkpoint_file, attacker, settings
):
    """Someone who has the key but not the checkpoint file re-chains a valid-looking log."""
    events = _events(4)
    services.write_checkpoint()
    attacker.edit(events[1].pk, case_number="KC2026-REWRITTEN")
    attacker.rechain(events[1].pk, hmac_with(settings.AUDIT_HMAC_KEY))
    with pytest.raises(
        CommandError,
        match=f"broken at event {events[-1].pk}: its hash differs from the one the checkpoint "
        f"of .* recorded for it .*: the event was rewritten. 3 earlier event",
    ):
        call_command("verify_audit_chain")


def test_checkpoints_over_tcp_end_at_a_line_break(settings):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    settings.AUDIT_CHECKPOINT_FILE = ""
    settings.AUDIT_CHECKPOINT_SYSLOG = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        _events(1)
        services.write_checkpoint()
        connection, _ = server.accept()
        with connection:
            connection.settimeout(5)
            received = connection.recv(65536).decode()
    finally:
        server.close()
    assert received.startswith("<86>camreg-audit: {") and received.endswith("}\n")
    readout = checkpoints.Readout()
    keys = {key.key_id: key for key in chain.keyring()}
    checkpoints.parse(received, "tcp", keys, readout)
    assert readout.checkpoints[0].rows == 1
