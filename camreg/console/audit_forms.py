"""The auditor's filters over the audit log (GET parameters, dates in the agency's time zone)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from camreg.agency import services as agency_services
from camreg.audit import actions as audit_actions
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


_ACTION_VALUE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]*)*\*?$")


class ActionsField(forms.MultipleChoiceField):
    """Actions to show: any known or stored action name, or the start of one ("auth.")."""

    def valid_value(self, value) -> bool:
        return len(value) <= 100 and bool(_ACTION_VALUE.match(value))


class AuditFilterForm(UswdsFormMixin, forms.Form):
    user = forms.CharField(
        label="Staff member",
        required=False,
        max_length=254,
        help_text="A staff user's id, or part of their name or email address.",
    )
    # Checkboxes grouped by area (the template draws them); `?action=auth.` (the start of
    # a name, ending in a dot) still works for links and bookmarks.
    action = ActionsField(label=_("Actions"), required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (name, label) for _area, items in audit_actions.grouped() for name, label in items
        ]

    def action_groups(self, stored: list[str]) -> list[dict]:
        """The action checkboxes by area: [{"area", "actions": [(name, label, checked)]}].

        `stored` adds actions found in the log that the registry does not know."""
        chosen = set(self.data.getlist("action")) if self.is_bound else set()
        return [
            {
                "area": area,
                "actions": [(name, label, name in chosen) for name, label in items],
                "open": any(name in chosen for name, _label in items),
            }
            for area, items in audit_actions.grouped(stored)
        ]

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
            name: _filter_text(value)
            for name in FILTER_FIELDS
            if (value := self.cleaned_data.get(name)) not in (None, "", [])
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
        chosen = [value.strip() for value in data.get("action") or [] if value.strip()]
        if chosen:
            match = Q(action__in=[v for v in chosen if not v.endswith((".", "*"))])
            for prefix in (v.rstrip("*") for v in chosen if v.endswith((".", "*"))):
                match |= Q(action__startswith=prefix)
            events = events.filter(match)
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


def _filter_text(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(value)
    return str(value)
