# One person, one registration (part 1 of 3): the normalised email beside the email, and
# pending photos (a photo chosen on a form that is not saved yet).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_token_helper"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("photo", models.CharField(max_length=255)),
                ("original_name", models.CharField(blank=True, max_length=100)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
        migrations.AddField(
            model_name="registrant",
            name="email_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=254),
        ),
    ]
