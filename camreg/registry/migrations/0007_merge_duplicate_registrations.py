# One person, one registration (part 2 of 3): fill the normalised email, then merge the
# registrations that share one into a single registration, each merge audited.
#
# For each email held by more than one registration that is unverified, pending review,
# active or lapsed, the registration furthest along (active, then pending review, lapsed,
# unverified; the oldest among equals) is kept. It takes the newest contact details (from the
# registration changed last), every site with its cameras, every consent, staff note, email
# and footage request of the others, the earliest verification and the latest confirmation.
# The others' unused links stop working, and the others are deleted. Not reversible.
#
# The canvass map counts (canvass_mapcontribution, keyed by registrant without a foreign
# key) of merged registrations are dropped; `manage.py rebuild_canvass_index` recounts them.

from django.db import migrations
from django.db.models import Count

STATUSES = ("unverified", "pending_review", "active", "lapsed")
RANK = {"active": 4, "pending_review": 3, "lapsed": 2, "unverified": 1}
CONTACT_FIELDS = (
    "kind",
    "business_name",
    "name",
    "email",
    "phone",
    "alternate_phone",
    "onsite_contact_name",
    "onsite_contact_phone",
    "preferred_contact",
    "contact_hours",
    "language",
)
REGISTRANT_TABLE = "registry_registrant"
TOKEN_TABLE = "registry_accesstoken"
MAP_COUNTS_TABLE = "canvass_mapcontribution"


def fill_email_key(Registrant, db) -> None:
    rows = Registrant.objects.using(db).exclude(email="").values_list("pk", "email", "email_key")
    for pk, email, key in list(rows.iterator()):
        wanted = email.strip().lower()
        if wanted != key:
            Registrant.objects.using(db).filter(pk=pk).update(email_key=wanted)


def referencing_columns(connection) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to the registrant table, whatever app owns it."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in (REGISTRANT_TABLE, TOKEN_TABLE):
                continue
            relations = connection.introspection.get_relations(cursor, table)
            for column, (_other_column, other_table) in relations.items():
                if other_table == REGISTRANT_TABLE:
                    found.append((table, column))
    return found


def merge_group(Registrant, members, connection, columns) -> dict:
    """Merge `members` (one email) into one registration; what was done, for the audit log."""
    db = connection.alias
    kept = sorted(members, key=lambda r: (-RANK[r.status], r.created_at, r.pk))[0]
    newest = max(members, key=lambda r: (r.updated_at, r.pk))
    others = [r for r in members if r.pk != kept.pk]
    other_ids = [r.pk for r in others]

    for name in CONTACT_FIELDS:
        setattr(kept, name, getattr(newest, name))
    kept.email_key = kept.email.strip().lower()
    verified = [r.verified_at for r in members if r.verified_at]
    confirmed = [r.confirmed_at for r in members if r.confirmed_at]
    kept.verified_at = min(verified) if verified else None
    kept.confirmed_at = max(confirmed) if confirmed else kept.confirmed_at

    moved = {}
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(other_ids))
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608  # nosec B608 - names from introspection
                f"WHERE {quote(column)} IN ({placeholders})",
                [kept.pk, *other_ids],
            )
            if cursor.rowcount:
                moved[table] = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {quote(TOKEN_TABLE)} WHERE registrant_id IN ({placeholders})",  # noqa: S608  # nosec B608 - names from the models
            other_ids,
        )
        if MAP_COUNTS_TABLE in connection.introspection.table_names(cursor):
            cursor.execute(
                f"DELETE FROM {quote(MAP_COUNTS_TABLE)} WHERE registrant_id IN ({placeholders})",  # noqa: S608  # nosec B608 - names from the models
                other_ids,
            )
    Registrant.objects.using(db).filter(pk__in=other_ids).delete()
    kept.save()
    return {
        "kept": kept.pk,
        "merged": other_ids,
        "merged_statuses": [r.status for r in others],
        "contact_details_from": newest.pk,
        "moved": moved,
    }


def merge_duplicates(apps, schema_editor) -> None:
    Registrant = apps.get_model("registry", "Registrant")
    connection = schema_editor.connection
    db = connection.alias
    fill_email_key(Registrant, db)
    keys = list(
        Registrant.objects.using(db)
        .filter(status__in=STATUSES)
        .exclude(email_key="")
        .values("email_key")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("email_key", flat=True)
    )
    if not keys:
        return
    # Imported here, and only when there is something to merge: the audit log is written
    # through its one writer, which keeps the chain.
    from camreg.audit import services as audit

    columns = referencing_columns(connection)
    for key in keys:
        members = list(
            Registrant.objects.using(db).filter(email_key=key, status__in=STATUSES).order_by("pk")
        )
        details = merge_group(Registrant, members, connection, columns)
        kept = next(r for r in members if r.pk == details["kept"])
        audit.record(
            "registration.merged",
            target=kept,
            reason="One person, one registration: registrations with the same email merged.",
            details=details,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_email_key_pending_photos"),
        # The audit log as its writer (camreg.audit.services.record) knows it.
        ("audit", "0005_sqlite_append_only_triggers"),
    ]

    operations = [migrations.RunPython(merge_duplicates, migrations.RunPython.noop)]
