from django.db import migrations


def seal(apps, schema_editor):
    # The key comes from configuration (AUDIT_HMAC_KEY); without one this stops the migration.
    from camreg.audit.services import seal_unkeyed_events

    seal_unkeyed_events(apps.get_model("audit", "AuditEvent"))


class Migration(migrations.Migration):
    """Seal the events chained with plain SHA-256 with a keyed key-change marker (decision 0017).

    On an installation that already has events, appends one `audit.chain_keyed` event whose
    HMAC covers the last unkeyed hash; a new installation gets none. Rows are never changed.
    """

    dependencies = [("audit", "0003_keyed_chain")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
