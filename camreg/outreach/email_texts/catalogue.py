"""The emails staff can reword: what each one is, its variables, and sample values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from camreg.agency import services as agency_services

COMMON_VARIABLES = (
    ("agency.name", "The agency's name"),
    ("agency.local_name", "The agency's name in the email's language (Spanish name in Spanish)"),
    ("agency.short_name", "The agency's short name"),
    ("agency.program_name", "The program's name"),
    (
        "agency.local_program_name",
        "The program's name in the email's language (Spanish name in Spanish)",
    ),
    ("agency.contact_email", "The program's contact email address"),
    ("agency.contact_phone", "The program's contact phone number"),
    ("agency.website", "The agency's website"),
    ("agency.jurisdiction_name", "The area the agency serves"),
    ("site_url", "The public address of this site, without a trailing slash"),
)
SAMPLE_NAME = "Ana Ruiz"


def _sample_link(path: str) -> str:
    return settings.SITE_URL + path


def _sample_place() -> tuple[str, str]:
    """A registered place and a phone number for previews, from the agency's own example
    address and area code (not another county's)."""
    agency = agency_services.current()
    address = agency.example_address or f"123 Main St, {agency.jurisdiction_name}"
    digits = "".join(c for c in agency.contact_phone if c.isdigit())[-10:]
    area = digits[:3] if len(digits) == 10 else "555"
    return address, f"({area}) 555-0134"


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: str
    sent_when: str
    # (name, description) of the variables this email's context has, besides the common ones.
    variables: tuple[tuple[str, str], ...]
    # Stand-ins for a default text: variable name -> placeholder value.
    placeholders: dict[str, Any] = field(default_factory=dict)
    # Lines containing one of these are wrapped in the given tags in a default text.
    wrap_lines: tuple[tuple[str, str, str], ...] = ()

    def sample(self) -> dict[str, Any]:
        """Sample values for previews and checks."""
        values: dict[str, Any] = {"name": SAMPLE_NAME}
        if self.key == "verify_email":
            values.update(
                link=_sample_link("/verify/sample-link-0123456789/"),
                hours=settings.VERIFICATION_LINK_HOURS,
            )
        elif self.key in ("manage_link", "registered_again"):
            values.update(
                link=_sample_link("/manage/link/sample-link-0123456789/"),
                minutes=settings.MAGIC_LINK_MINUTES,
            )
        elif self.key == "registration_confirmed":
            values.update(
                manage_url=settings.SITE_URL + reverse("registry:manage-request"),
                sites=[{"address_line": _sample_place()[0]}],
                camera_count=3,
            )
        elif self.key == "registration_rejected":
            values.update(reason="The address is outside the area we serve.")
        elif self.key in ANNUAL_KEYS:
            values.update(
                confirm_link=_sample_link("/confirm/sample-link-0123456789/"),
                manage_url=settings.SITE_URL + reverse("registry:manage-request"),
            )
            if self.key in ("annual_confirmation", "confirmation_reminder"):
                address, phone = _sample_place()
                values.update(
                    email="ana.ruiz@example.com",
                    phone=phone,
                    sites=[{"address_line": address, "camera_labels": "Front door, Driveway"}],
                    camera_count=3,
                    respond_by="April 15, 2026",
                )
            else:
                values.update(purge_on="April 15, 2027")
        return values


# Stand-ins that render as their own variable, for turning a shipped text into a template.


class PlaceholderCount(int):
    """A number that prints as its variable (plural forms still pick "many")."""

    name: str

    def __new__(cls, name: str):
        number = super().__new__(cls, 2)
        number.name = name
        return number

    def __str__(self) -> str:
        return "{{ " + self.name + " }}"

    __repr__ = __str__


class PlaceholderObject:
    """An object whose attributes print as `{{ prefix.attribute }}`."""

    def __init__(self, prefix: str, **real: Any):
        self._prefix = prefix
        self.__dict__.update(real)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return "{{ " + f"{self._prefix}.{name}" + " }}"


NAME = ("name", "The registrant's name (empty for some registrations)")
# The emails of the yearly confirmation cycle (camreg.confirmation).
ANNUAL_KEYS = (
    "annual_confirmation",
    "confirmation_reminder",
    "registration_lapsed",
    "purge_notice",
)
CONFIRM_LINK = ("confirm_link", "The one-click link to confirm (opens a page with one button)")
MANAGE_URL = ("manage_url", "The page where the registrant asks for a link to update")
ON_FILE = (
    ("email", "The registrant's email address"),
    ("phone", "The registrant's phone number (may be empty)"),
    (
        "sites",
        "The registered places; each has site.address_line and site.camera_labels (use a for loop)",
    ),
    ("camera_count", "How many cameras are registered in total"),
    ("respond_by", "The date by which to confirm before the registration lapses"),
)
ON_FILE_PLACEHOLDERS = {
    "email": "{{ email }}",
    "phone": "{{ phone }}",
    "sites": [PlaceholderObject("site")],
    "camera_count": PlaceholderCount("camera_count"),
    "respond_by": "{{ respond_by }}",
}
EMAILS: dict[str, EmailKind] = {
    kind.key: kind
    for kind in (
        EmailKind(
            "verify_email",
            "Verify the email address",
            "Right after someone registers: the link that confirms their email address.",
            (
                NAME,
                ("link", "The verification link (single use)"),
                ("hours", "How many hours the link works"),
            ),
            placeholders={"link": "{{ link }}", "hours": PlaceholderCount("hours")},
        ),
        EmailKind(
            "registration_received",
            "Registration received",
            "After the email address is verified, while the registration waits for review.",
            (NAME,),
        ),
        EmailKind(
            "registration_confirmed",
            "Registration confirmed",
            "When the agency confirms a registration (or at once in automatic mode).",
            (
                NAME,
                ("manage_url", "The page where the registrant asks for a link to manage"),
                ("sites", "The registered places; each has site.address_line (use a for loop)"),
                ("camera_count", "How many cameras are registered in total"),
            ),
            placeholders={
                "manage_url": "{{ manage_url }}",
                "sites": [PlaceholderObject("site")],
                "camera_count": PlaceholderCount("camera_count"),
            },
            wrap_lines=(("{{ site.address_line }}", "{% for site in sites %}", "{% endfor %}"),),
        ),
        EmailKind(
            "manage_link",
            "Link to manage a registration",
            "When a registrant asks for a link to change their registration or leave.",
            (
                NAME,
                ("link", "The management link (single use)"),
                ("minutes", "How many minutes the link works"),
            ),
            placeholders={"link": "{{ link }}", "minutes": PlaceholderCount("minutes")},
        ),
        EmailKind(
            "registered_again",
            "Registered again with a known email",
            "When someone fills in the registration form with the email of a registration "
            "that exists: nothing is stored, and this link to the registration is sent.",
            (
                NAME,
                ("link", "The management link (single use)"),
                ("minutes", "How many minutes the link works"),
            ),
            placeholders={"link": "{{ link }}", "minutes": PlaceholderCount("minutes")},
        ),
        EmailKind(
            "goodbye",
            "Left the program",
            "When a registrant leaves the program (erased from the outbox once sent).",
            (NAME,),
        ),
        EmailKind(
            "registration_rejected",
            "Registration not accepted",
            "When the agency rejects a registration and chooses to tell the registrant.",
            (NAME, ("reason", "The reason staff gave (may be empty)")),
            placeholders={"reason": "{{ reason }}"},
            wrap_lines=(("{{ reason }}", "{% if reason %}", "{% endif %}"),),
        ),
        EmailKind(
            "annual_confirmation",
            "Annual confirmation",
            "A year after a registration was last confirmed: what we hold, one link to "
            "confirm it is still correct, one to update it.",
            (NAME, CONFIRM_LINK, MANAGE_URL, *ON_FILE),
            placeholders={
                "confirm_link": "{{ confirm_link }}",
                "manage_url": "{{ manage_url }}",
                **ON_FILE_PLACEHOLDERS,
            },
            wrap_lines=(("{{ site.address_line }}", "{% for site in sites %}", "{% endfor %}"),),
        ),
        EmailKind(
            "confirmation_reminder",
            "Annual confirmation reminder",
            "When the annual confirmation is not answered: 14 and 28 days after it.",
            (NAME, CONFIRM_LINK, MANAGE_URL, *ON_FILE),
            placeholders={
                "confirm_link": "{{ confirm_link }}",
                "manage_url": "{{ manage_url }}",
                **ON_FILE_PLACEHOLDERS,
            },
            wrap_lines=(("{{ site.address_line }}", "{% for site in sites %}", "{% endfor %}"),),
        ),
        EmailKind(
            "registration_lapsed",
            "Registration lapsed",
            "When nobody confirmed a registration within 45 days of the annual email: it is "
            "kept apart from now on; the link brings it back.",
            (
                NAME,
                CONFIRM_LINK,
                MANAGE_URL,
                ("purge_on", "The date the personal data will be erased"),
            ),
            placeholders={
                "confirm_link": "{{ confirm_link }}",
                "manage_url": "{{ manage_url }}",
                "purge_on": "{{ purge_on }}",
            },
        ),
        EmailKind(
            "purge_notice",
            "Lapsed registration to be erased",
            "30 days before a lapsed registration is erased (12 months after it lapsed).",
            (
                NAME,
                CONFIRM_LINK,
                MANAGE_URL,
                ("purge_on", "The date the personal data will be erased"),
            ),
            placeholders={
                "confirm_link": "{{ confirm_link }}",
                "manage_url": "{{ manage_url }}",
                "purge_on": "{{ purge_on }}",
            },
        ),
    )
}


def languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def kind(key: str) -> EmailKind:
    try:
        return EMAILS[key]
    except KeyError:
        raise LookupError(f"unknown email {key!r}") from None


def sample_context(key: str) -> dict[str, Any]:
    """The complete context (with agency and site_url) filled with sample values."""
    sample = kind(key).sample()
    return {**sample, "agency": agency_services.current(), "site_url": settings.SITE_URL}
