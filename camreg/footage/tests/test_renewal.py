"""An expired request can be sent again (a new link by email) or extended (the link already
emailed works again); both are recorded and audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.footage import services
from camreg.footage.models import FootageRequest, RenewalKind, RequestRenewal, Status
from camreg.outreach.models import OutboxMessage

from .conftest import NOW, camera_ids

pytestmark = pytest.mark.django_db

EXPIRED_AT = NOW + timedelta(days=8)


def token_of(message: OutboxMessage) -> str:
    return re.search(r"/footage/([\w-]+)/", message.body_text).group(1)


@pytest.fixture
def expired(now, case, deputy, owner):
    """A request whose link expired unanswered (the agency's links last 7 days)."""

    def make(**owner_kwargs):
        (footage_request,) = services.create_requests(
            case, camera_ids(owner(**owner_kwargs)), actor=deputy.user, message=""
        )
        first = OutboxMessage.objects.filter(template="footage_request").latest("pk")
        now.move_to(EXPIRED_AT)
        assert services.expire_links() == 1
        footage_request.refresh_from_db()
        assert footage_request.status == Status.EXPIRED
        return footage_request, token_of(first)

    return make


def test_send_again_with_a_new_link(expired, deputy):
    footage_request, old_token = expired(language="es")
    services.resend(footage_request, actor=deputy.user)
    footage_request.refresh_from_db()
    assert footage_request.status == Status.SENT
    assert footage_request.sent_at == EXPIRED_AT and footage_request.reminder_sent_at is None
    assert footage_request.link_expires_at == EXPIRED_AT + timedelta(days=7)
    message = OutboxMessage.objects.filter(template="footage_request").latest("pk")
    assert message.language == "es"
    assert "Le enviamos esta solicitud de nuevo." in message.body_text
    assert services.open_link(token_of(message)) == footage_request
    with pytest.raises(services.LinkInvalid):
        services.open_link(old_token)
    renewal = RequestRenewal.objects.get()
    assert renewal.kind == RenewalKind.RESENT and renewal.previous_status == Status.EXPIRED
    assert renewal.staff == deputy.user
    event = AuditEvent.objects.get(action="footage.request_resent")
    assert event.details["previous_status"] == "expired"
    assert event.case_number == footage_request.case.case_number


def test_the_english_email_says_it_is_sent_again(expired, deputy):
    footage_request, _token = expired()
    services.resend(footage_request, actor=deputy.user)
    message = OutboxMessage.objects.filter(template="footage_request").latest("pk")
    assert "We are sending you this request again." in message.body_text
    first = OutboxMessage.objects.filter(template="footage_request").earliest("pk")
    assert "again" not in first.body_text


def test_extend_the_link_already_emailed(expired, deputy):
    footage_request, old_token = expired()
    emails = OutboxMessage.objects.count()
    with pytest.raises(services.LinkInvalid):
        services.open_link(old_token)
    services.extend(footage_request, actor=deputy.user)
    footage_request.refresh_from_db()
    assert footage_request.status == Status.SENT
    assert footage_request.link_expires_at == EXPIRED_AT + timedelta(days=7)
    assert services.open_link(old_token) == footage_request  # works again
    assert OutboxMessage.objects.count() == emails  # no new email
    assert RequestRenewal.objects.get().kind == RenewalKind.EXTENDED
    assert AuditEvent.objects.filter(action="footage.request_extended").count() == 1
    # And it expires again at its new date.
    with time_machine.travel(EXPIRED_AT + timedelta(days=7, minutes=1), tick=False):
        assert services.expire_links() == 1


def test_answered_requests_are_not_renewed(expired, deputy):
    footage_request, _token = expired()
    FootageRequest.objects.filter(pk=footage_request.pk).update(
        status=Status.ANSWERED, answer="no_footage"
    )
    footage_request.refresh_from_db()
    assert not services.can_renew(footage_request)
    for action in (services.resend, services.extend):
        with pytest.raises(services.FootageError) as refused:
            action(footage_request, actor=deputy.user)
        assert refused.value.code == "not_renewable"
    assert not RequestRenewal.objects.exists()


def test_without_an_email_address_call_instead(now, case, deputy, owner):
    (footage_request,) = services.create_requests(
        case, camera_ids(owner(email="")), actor=deputy.user, message=""
    )
    FootageRequest.objects.filter(pk=footage_request.pk).update(status=Status.EXPIRED)
    footage_request.refresh_from_db()
    with pytest.raises(services.FootageError) as refused:
        services.resend(footage_request, actor=deputy.user)
    assert refused.value.code == "no_email"


def test_renew_from_the_case_page(expired, deputy):
    footage_request, _token = expired()
    case_url = reverse("canvass:case", kwargs={"pk": footage_request.case_id})
    page = deputy.get(case_url).content.decode()
    assert "Send again with a new link" in page and "Extend the link" in page
    assert "Expired" in page
    url = reverse("footage:request-renew", kwargs={"pk": footage_request.pk})
    response = deputy.post(url, {"action": "extend", "next": case_url})
    assert response.status_code == 302 and response["Location"] == case_url
    footage_request.refresh_from_db()
    assert footage_request.status == Status.SENT
    response = deputy.post(url, {"action": "resend"})
    assert response["Location"] == reverse("footage:request", kwargs={"pk": footage_request.pk})
    assert RequestRenewal.objects.count() == 2
    page = deputy.get(case_url).content.decode()
    assert "Sent again with a new link" in page and "Link extended" in page


def test_only_canvass_roles_renew(expired, staff_client):
    footage_request, _token = expired()
    url = reverse("footage:request-renew", kwargs={"pk": footage_request.pk})
    assert staff_client("auditor").post(url, {"action": "resend"}).status_code == 403
    assert not RequestRenewal.objects.exists()
