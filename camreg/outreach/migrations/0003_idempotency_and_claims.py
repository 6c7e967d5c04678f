"""Every outbox message gets an idempotency key (existing ones: "message:" + the Message-ID),
the worker run that claimed it, and when it failed for good. The key becomes required and
unique in 0004, in its own transaction (PostgreSQL refuses to alter a table with pending
updates in the same transaction)."""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Concat


def fill_keys(apps, schema_editor):
    OutboxMessage = apps.get_model("outreach", "OutboxMessage")
    OutboxMessage.objects.filter(idempotency_key__isnull=True).update(
        idempotency_key=Concat(Value("message:"), F("message_id"))
    )
    # Failed messages so far: when they last changed is unknown; their next attempt time
    # is the closest record there is.
    OutboxMessage.objects.filter(status="failed", failed_at__isnull=True).update(
        failed_at=F("next_attempt_at")
    )


class Migration(migrations.Migration):
    dependencies = [("outreach", "0002_email_text")]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="claimed_by",
            field=models.CharField(blank=True, default="", max_length=120),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="failed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
    ]
