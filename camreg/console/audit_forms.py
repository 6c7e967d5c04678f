"""The auditor's filters over the audit log (GET parameters, dates in the agency's time zone)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet

from camreg.agency import services as agency_services
from camreg.audit.models import ActorType, AuditEvent, Outcome
from camreg.web.forms import UswdsFormMixin

FILTER_FIELDS = (
    "user",
    "action",
    "target_type",
    "target_id",
    "case_number",
    "outcome",
    "date_from",
    "date_to",
)


class AuditFilterForm(UswdsFormMixin, forms.Form):
    user = forms.CharField(
        label="Staff member",
        required=False,
        max_length=254,
        help_text="A staff user's id, or part of their name or email address.",
    )
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=100,
        help_text="An exact action, or the start of one ending in a dot, like auth.",
        widget=forms.TextInput(attrs={"list": "audit-actions", "autocomplete": "off"}),
    )
    target_type = forms.CharField(
        label="Target type",
        required=False,
        max_length=100,
        help_text="For example registry.registrant.",
        widget=forms.TextInput(attrs={"list": "audit-target-types", "autocomplete": "off"}),
    )
    target_id = forms.CharField(label="Target id", required=False, max_length=64)
    case_number = forms.CharField(label="Case number", required=False, max_length=100)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *Outcome.choices]
    )
    date_from = forms.DateField(
        label="From date",
        required=False,
        help_text="In the agency's time zone.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        help_text="Included; in the agency's time zone.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must not be before the from date.")
        return cleaned

    def active_filters(self) -> dict[str, str]:
        """The filters in use, as text (for the audit record of the search itself)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else str(value)
            for name in FILTER_FIELDS
            if (value := self.cleaned_data.get(name)) not in (None, "")
        }

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """`events` narrowed by the valid filters."""
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        user = data.get("user", "").strip()
        if user:
            match = Q(actor_label__icontains=user)
            if user.isdigit():
                match |= Q(actor_type=ActorType.STAFF, actor_id=user)
            events = events.filter(match)
        action = data.get("action", "").strip()
        if action:
            if action.endswith((".", "*")):
                events = events.filter(action__startswith=action.rstrip("*"))
            else:
                events = events.filter(action=action)
        if target_type := data.get("target_type", "").strip():
            events = events.filter(target_type=target_type)
        if target_id := data.get("target_id", "").strip():
            events = events.filter(target_id=target_id)
        if case_number := data.get("case_number", "").strip():
            events = events.filter(case_number__iexact=case_number)
        if outcome := data.get("outcome"):
            events = events.filter(outcome=outcome)
        zone = ZoneInfo(agency_services.current().time_zone)
        if start := data.get("date_from"):
            events = events.filter(at__gte=datetime.combine(start, time.min, tzinfo=zone))
        if end := data.get("date_to"):
            after = end + timedelta(days=1)
            events = events.filter(at__lt=datetime.combine(after, time.min, tzinfo=zone))
        return events
