from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_idempotency_and_claims")]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.CharField(max_length=200, unique=True),
        ),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["status", "failed_at"], name="outreach_failed_idx"),
        ),
    ]
