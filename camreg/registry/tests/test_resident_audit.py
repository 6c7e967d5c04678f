"""Residents' own actions are in the audit log with the registrant as the actor: registering,
verifying, opening the portal, editing, confirming, leaving. Never their personal data."""

import pytest
from django.urls import reverse

from camreg.audit.models import ActorType, AuditEvent
from camreg.registry.models import Registrant
from camreg.testing.mail import link_from_last_email, path_of
from camreg.testing.registrants import form_post, registration_post

pytestmark = pytest.mark.django_db


def actions_by(registrant: Registrant) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_type=ActorType.REGISTRANT, actor_id=str(registrant.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_residents_own_actions_are_recorded_with_them_as_actor(
    client, address_points, auto_confirm
):
    data = registration_post(sites=[({}, [{}, {"label": "Driveway"}])])
    assert client.post(reverse("registry:register"), data).status_code == 302
    registrant = Registrant.objects.get()
    submitted = AuditEvent.objects.get(action="registration.submitted")
    assert submitted.target_id == str(registrant.pk)
    assert submitted.details["cameras"] == 2 and submitted.details["sites"] == 1

    client.post(path_of(link_from_last_email(r"https?://\S+/verify/\S+")))
    client.post(reverse("registry:manage-request"), {"email": "ana@example.com"})
    client.post(path_of(link_from_last_email(r"https?://\S+/manage/link/\S+")))
    page = client.get(reverse("registry:portal-edit"))
    edit = form_post(page.context["form"])
    key = next(k for k in edit if k.endswith("contact_hours"))
    edit[key] = "Weekday mornings"
    assert client.post(reverse("registry:portal-edit"), edit).status_code == 302
    assert (
        client.post(
            reverse("registry:portal-leave"), {"reason": "no_system", "confirm": "on"}
        ).status_code
        == 302
    )

    # Confirmed at once (the agency's choice): by the system, not by the resident.
    confirmed = AuditEvent.objects.get(action="registration.confirmed")
    assert confirmed.actor_type == ActorType.SYSTEM and confirmed.details == {"automatic": True}
    assert actions_by(registrant) == [
        "registration.submitted",
        "registration.email_verified",
        "registration.portal_opened",
        "registration.updated",
        "registration.reconfirmed",  # the resident's own save confirms it is current
        "registration.left",
    ]
    updated = AuditEvent.objects.get(action="registration.updated")
    assert updated.details["changed"]["contact"] == ["contact_hours"]
    assert updated.role == "registrant" and updated.actor_label == ""
    left = AuditEvent.objects.get(action="registration.left")
    assert left.details == {"leave_reason": "no_system"}
    # Names, emails and addresses never go into the log.
    for event in AuditEvent.objects.all():
        text = f"{event.details} {event.reason} {event.actor_label}"
        assert "ana@example.com" not in text and "Truxtun" not in text, event.action
