"""Registrant links: issued with each email, opened and used up by the registrant's answer,
retired when a request is finished. Only a link's SHA-256 hash is stored; it works for its
request only, until the request is answered or the link expires; after the answer "I will
provide it", until it expires, for sending the video (`open_upload_link`)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from camreg import tokens
from camreg.audit import services as audit
from camreg.footage.models import Answer, FootageLink, FootageRequest, LinkPurpose, Status
from camreg.footage.services.common import (
    NOTE_MAX_LENGTH,
    FootageError,
    LinkExpired,
    LinkInvalid,
)
from camreg.footage.services.settling import settle_task


def _new_link(footage_request: FootageRequest, purpose: str) -> str:
    """A link for the request's email (`purpose`: the request or the reminder). Following
    the revocation rule (camreg.tokens), it replaces an earlier unused link of the same
    purpose only: the reminder's link does not stop the first email's from working."""
    _row, raw = tokens.issue(
        FootageLink,
        purpose=purpose,
        expires_at=footage_request.link_expires_at,
        revoke_earlier_for="request",
        request=footage_request,
    )
    return settings.SITE_URL + reverse("footage-public:answer", kwargs={"token": raw})


def _email_context(footage_request: FootageRequest, link: str, *, renewed: bool = False) -> dict:
    registrant = footage_request.registrant
    cameras = [
        {
            "label": rc.label,
            "address": rc.camera.site.address_line if rc.camera is not None else "",
        }
        for rc in footage_request.requested_cameras.select_related("camera__site")
    ]
    return {
        "name": registrant.name if registrant else "",
        "case_number": footage_request.case.case_number,
        "cameras": cameras,
        "window_start": footage_request.window_start,
        "window_end": footage_request.window_end,
        "requester_name": footage_request.requester_name,
        "requester_phone": footage_request.requester_phone,
        "requester_email": footage_request.requester_email,
        "message": footage_request.message,
        "link": link,
        "link_expires_at": footage_request.link_expires_at,
        # Sent again by staff (services.renewal): the earlier link no longer works.
        "renewed": renewed,
    }


def _retire_links(footage_request: FootageRequest) -> None:
    footage_request.links.all().delete()


def _usable_link(raw: str) -> FootageLink:
    link = tokens.find_usable(
        FootageLink.objects.select_related("request", "request__case", "request__registrant"),
        raw,
        purpose=LinkPurpose.values,
    )
    if link is None:
        raise LinkInvalid
    footage_request = link.request
    if footage_request.status != Status.SENT or footage_request.registrant is None:
        raise LinkInvalid
    return link


def open_upload_link(raw: str, *, now=None) -> FootageRequest:
    """The request whose link `raw` is, for sending the video: the owner answered "I will
    provide it" (or the footage has started arriving) and the link has not expired.

    The answer used the link up (and revoked the other email's), but for sending the video
    it keeps working until it expires, or until staff finish the request (which deletes
    the links). A link revoked before the answer (replaced by a new one) stays dead.
    Raises LinkExpired (a known link past its expiry, with the request's language) or
    LinkInvalid (anything else). It never opens the answer form again: answering is
    `open_link`/`answer`, which still refuse a used link."""
    now = now or timezone.now()
    if not isinstance(raw, str) or not raw or len(raw) > tokens.MAX_SECRET_LENGTH:
        raise LinkInvalid
    link = (
        FootageLink.objects.select_related("request", "request__case", "request__registrant")
        .filter(token_hash=tokens.hash_secret(raw), purpose__in=LinkPurpose.values)
        .first()
    )
    if link is None:
        raise LinkInvalid
    footage_request = link.request
    if (
        footage_request.registrant is None
        or footage_request.answer != Answer.WILL_PROVIDE
        or footage_request.answered_at is None
        or footage_request.status not in (Status.ANSWERED, Status.FOOTAGE_RECEIVED)
    ):
        raise LinkInvalid
    answered_at = footage_request.answered_at
    if (link.revoked_at is not None and link.revoked_at < answered_at) or (
        link.used_at is not None and link.used_at < answered_at
    ):
        raise LinkInvalid
    if link.expires_at <= now:
        raise LinkExpired(footage_request.language)
    return footage_request


def open_link(raw: str) -> FootageRequest:
    """The request a registrant's link opens, if it can still be answered (not used up)."""
    return _usable_link(raw).request


def answer(token: str, choice: str, note: str = "", *, request=None) -> FootageRequest:
    """Record the registrant's answer to the request their link belongs to; uses the link up.

    Raises LinkInvalid (unknown, expired or already answered) or FootageError (bad choice).
    """
    if choice not in Answer.values:
        raise FootageError("answer_invalid", "Choose one of the answers.")
    note = (note or "").strip()[:NOTE_MAX_LENGTH]
    link = _usable_link(token)
    footage_request = link.request
    now = timezone.now()
    with transaction.atomic():
        if not tokens.use(link, now=now):  # used a moment ago by another request
            raise LinkInvalid
        changed = FootageRequest.objects.filter(pk=footage_request.pk, status=Status.SENT).update(
            status=Status.ANSWERED, answer=choice, answer_note=note, answered_at=now
        )
        if not changed:  # answered a moment ago through the other link, or expired
            raise LinkInvalid
        tokens.revoke(footage_request.links.all(), now=now)  # the other email's link
        settle_task(footage_request)  # no call needed any more
        footage_request.refresh_from_db()
        audit.record(
            "footage.answered",
            actor=footage_request.registrant,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            details={"answer": choice, "with_note": bool(note)},
        )
    return footage_request
