"""Evidence work done by the worker (`manage.py db_worker`): processing each completed upload,
and the scheduled jobs (retention purge, re-verification of the stored hashes) that
EvidenceConfig.ready() registers."""

from django_tasks import task

from .services import processing, retention, tus, verification


@task()
def process_evidence_file(evidence_file_id: int) -> str:
    """Assemble, hash, probe and poster one evidence file (enqueued when its upload
    completes; safe to run again after a dead worker)."""
    return processing.process(evidence_file_id)


@task()
def purge_expired_evidence() -> int:
    """Delete the stored bytes of evidence files whose retention has ended (daily)."""
    return retention.purge_expired()


@task()
def purge_expired_uploads() -> int:
    """Delete the bytes of uploads left unfinished past their expiry (hourly)."""
    return tus.purge_expired()


@task()
def verify_evidence_hashes() -> dict:
    """Re-hash every stored evidence file (weekly by default, EVIDENCE_VERIFY_EVERY_DAYS)."""
    report = verification.verify_all()
    if not report.ok:  # a failed task, loud in the queue and in the logs
        raise verification.IntegrityError(
            "; ".join(mismatch.describe() for mismatch in report.mismatches)
        )
    return {"verified": report.verified, "mismatched": 0}
