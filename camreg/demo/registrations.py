"""Demo data for `make run`: invented registrants at real-looking Kern County addresses.

Never used by production settings (load_demo refuses unless DEMO_MODE is on). Also the
demo staff account.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from camreg.agency import services as agency_services
from camreg.agency.models import ConfirmMode
from camreg.canvass import index as canvass_index
from camreg.geo.models import AddressPoint
from camreg.registry.models import (
    Camera,
    Consent,
    ContactMethod,
    Coverage,
    Placement,
    RecordingMode,
    Registrant,
    RegistrantKind,
    RegistrationStatus,
    Site,
    SystemType,
)
from camreg.registry.services import current_terms

DEMO_STAFF_EMAIL = "demo.deputy@example.org"
DEMO_STAFF_PASSWORD = "kern-demo-registry-2026"  # noqa: S105 - printed on purpose, demo only
# The demo account's authenticator key (base32) and recovery codes: printed on purpose, demo only.
DEMO_TOTP_SECRET = "KERNCOUNTYDEMOCAMERAREGISTRY2345"  # noqa: S105
DEMO_RECOVERY_CODES = [f"democode{n:02d}" for n in range(1, 6)]

FIRST = [
    "Maria",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "Juan",
    "Rosa",
    "Miguel",
    "Linda",
    "David",
    "Sarah",
    "Michael",
    "Jennifer",
    "Robert",
    "Patricia",
    "James",
    "Guadalupe",
    "Jesús",
    "Elena",
    "Daniel",
    "Karen",
    "Thomas",
    "Sofia",
    "Alejandro",
    "Nancy",
    "Kevin",
    "Lupe",
]
LAST = [
    "García",
    "Hernández",
    "Smith",
    "Martínez",
    "Johnson",
    "López",
    "Williams",
    "Rodríguez",
    "Brown",
    "González",
    "Jones",
    "Pérez",
    "Miller",
    "Sánchez",
    "Davis",
    "Ramírez",
    "Wilson",
    "Torres",
    "Anderson",
    "Flores",
    "Nguyen",
    "Rivera",
    "Thompson",
    "Gómez",
    "Patel",
]
BUSINESSES = [
    "Market",
    "Auto Repair",
    "Tire Shop",
    "Taquería",
    "Pharmacy",
    "Liquor",
    "Laundromat",
    "Hardware",
    "Bakery",
    "Dental Office",
    "Storage",
    "Farm Supply",
    "Gas & Go",
    "Motel",
]
BRANDS = ["Ring", "Nest", "Arlo", "Lorex", "Swann", "Reolink", "Hikvision", "Wyze", "Eufy", ""]
CAMERA_LABELS = [
    "Front door",
    "Driveway",
    "Back yard",
    "Side gate",
    "Garage",
    "Alley",
    "Parking lot",
    "Front entrance",
    "Street view",
    "Loading dock",
]


def load(count: int = 300, seed: int = 2026) -> int:
    """Create `count` demo registrations; returns how many were created."""
    rng = random.Random(seed)
    points = list(
        AddressPoint.objects.order_by("pk").values_list(
            "longitude", "latitude", "number", "street", "city", "postcode"
        )
    )
    if not points:
        raise RuntimeError("Load the demo address points first.")
    rng.shuffle(points)
    terms = current_terms()
    now = timezone.now()
    created = 0
    with transaction.atomic():
        agency = agency_services.current()
        agency_services.update(agency, confirm_mode=ConfirmMode.AUTOMATIC)
        cameras: list[Camera] = []
        consents: list[Consent] = []
        point_iter = iter(points)
        for i in range(count):
            business = rng.random() < 0.2
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            spanish = rng.random() < 0.35
            registered = now - timedelta(days=rng.randint(1, 700))
            status = rng.choices(
                [
                    RegistrationStatus.ACTIVE,
                    RegistrationStatus.PENDING_REVIEW,
                    RegistrationStatus.LAPSED,
                ],
                weights=[85, 8, 7],
            )[0]
            registrant = Registrant.objects.create(
                kind=RegistrantKind.BUSINESS if business else RegistrantKind.RESIDENT,
                business_name=f"{last} {rng.choice(BUSINESSES)}" if business else "",
                name=name,
                email=f"demo{i + 1}@example.com",
                phone=f"+1661555{rng.randint(0, 9999):04d}",
                onsite_contact_name=f"{rng.choice(FIRST)} {last}" if business else "",
                preferred_contact=rng.choice(ContactMethod.values),
                contact_hours=rng.choice(["", "Weekdays after 5 pm", "Mornings", "Any time"]),
                language="es" if spanish else "en",
                status=status,
                verified_at=registered,
                confirmed_at=registered if status != RegistrationStatus.PENDING_REVIEW else None,
            )
            Registrant.objects.filter(pk=registrant.pk).update(created_at=registered)
            camera_total = rng.randint(1, 6)
            if business and camera_total >= 2 and rng.random() < 0.3:
                split = [camera_total // 2, camera_total - camera_total // 2]
            else:
                split = [camera_total]
            for s, per_site in enumerate(split):
                lon, lat, number, street, city, postcode = next(point_iter)
                site = Site.objects.create(
                    registrant=registrant,
                    label=("Store" if business else "Home") if s == 0 else "Warehouse",
                    street=f"{number} {street}",
                    city=city,
                    postcode=postcode,
                    latitude=lat,
                    longitude=lon,
                    location_source="demo",
                )
                for c in range(per_site):
                    cameras.append(
                        Camera(
                            site=site,
                            label=CAMERA_LABELS[(c + rng.randint(0, 9)) % len(CAMERA_LABELS)],
                            direction=rng.randrange(0, 360),
                            field_of_view=rng.choice([90, 110, 130, 160, 180]),
                            range_m=rng.choice([10, 15, 20, 30, 40, 60]),
                            coverage=sorted(rng.sample(Coverage.values, rng.randint(1, 3))),
                            placement=rng.choices(Placement.values, weights=[9, 1])[0],
                            recording_mode=rng.choice(RecordingMode.values),
                            retention_days=rng.choice([3, 7, 14, 30, 30, 60, 90]),
                            system_type=rng.choice(SystemType.values),
                            brand=rng.choice(BRANDS),
                            owner_can_export=rng.random() < 0.6,
                        )
                    )
            if terms is not None:
                consents.append(
                    Consent(
                        registrant=registrant,
                        terms_version=terms,
                        accepted_at=registered,
                        ip_address="192.0.2.1",
                        user_agent="demo",
                        language=registrant.language,
                    )
                )
            created += 1
        Camera.objects.bulk_create(cameras)
        canvass_index.rebuild()
        Consent.objects.bulk_create(consents)
    return created


# One demo account per role, each signing in with the same demo password, authenticator key
# and recovery codes (printed on purpose: demo only, never outside DEMO_MODE). The README's
# table lists them with what each role may do (docs/roles.md).
DEMO_ROLE_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("deputy", "demo.deputy.only@example.org", "Dana Deputy (demo)"),
    ("investigator", "demo.investigator@example.org", "Ivan Investigator (demo)"),
    ("supervisor", "demo.supervisor@example.org", "Sam Supervisor (demo)"),
    ("evidence_custodian", "demo.custodian@example.org", "Cleo Custodian (demo)"),
    ("program_coordinator", "demo.coordinator@example.org", "Cora Coordinator (demo)"),
    ("auditor", "demo.auditor@example.org", "Audrey Auditor (demo)"),
    ("administrator", "demo.admin@example.org", "Adam Administrator (demo)"),
)


def _ensure_demo_user(email: str, full_name: str, roles: list[str]):
    import base64

    from camreg.accounts import services as accounts
    from camreg.accounts.models import User

    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_STAFF_PASSWORD, full_name=full_name, is_staff=True
            )
        user.set_password(DEMO_STAFF_PASSWORD)
        user.roles = list(roles)
        user.is_active = True
        user.deactivated_at = None
        user.deactivated_reason = ""
        user.reactivated_at = timezone.now()  # not disabled for inactivity by the worker
        user.save()
        # Stored like everyone's: the key encrypted, the recovery codes hashed.
        accounts.set_authenticator(
            user, base64.b32decode(DEMO_TOTP_SECRET), name="Demo authenticator"
        )
        accounts.new_recovery_codes(user, codes=list(DEMO_RECOVERY_CODES))
    return user


def ensure_staff_account():
    """The demo staff member: every role but evidence custodian and investigator, and a
    known second factor so that the printed instructions always work.

    Staff sign-in needs an authenticator code: add DEMO_TOTP_SECRET to an authenticator
    app, or use `manage.py demo_totp_code`, or one of DEMO_RECOVERY_CODES (topped up again
    by every `make run`).
    """
    from camreg.accounts.roles import Role

    roles = [
        Role.DEPUTY,
        Role.SUPERVISOR,
        Role.PROGRAM_COORDINATOR,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    ]
    return _ensure_demo_user(DEMO_STAFF_EMAIL, "Demo Deputy", [str(r) for r in roles])


def ensure_role_accounts():
    """One demo account per role (DEMO_ROLE_ACCOUNTS), to try the console as each would.

    Refuses outside demo mode: these accounts share a published password and second factor.
    """
    from django.conf import settings

    from camreg.accounts.roles import Role

    if not settings.DEMO_MODE:
        raise RuntimeError("Demo accounts exist only when DEMO_MODE is on (development).")
    return [
        _ensure_demo_user(email, name, [str(Role(role))])
        for role, email, name in DEMO_ROLE_ACCOUNTS
    ]
