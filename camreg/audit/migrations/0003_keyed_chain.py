from django.db import migrations, models


class Migration(migrations.Migration):
    """Each row says how its hash was made (decision 0017).

    Rows already in the log were chained with plain SHA-256: they get scheme 1 and no key id.
    Every row written from now on is HMAC-SHA256 under the audit key (scheme 2); migration
    0004 seals the unkeyed rows with a keyed key-change marker.
    """

    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "SHA-256 (unkeyed, before the audit key)"),
                    (2, "HMAC-SHA256 (audit key)"),
                ],
                default=1,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
    ]
