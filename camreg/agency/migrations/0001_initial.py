from django.db import migrations, models

import camreg.agency.models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Agency",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("short_name", models.CharField(max_length=40)),
                ("program_name", models.CharField(max_length=200)),
                ("logo", models.FileField(blank=True, upload_to="agency/")),
                ("contact_email", models.EmailField(max_length=254)),
                ("contact_phone", models.CharField(max_length=40)),
                ("website", models.URLField(blank=True)),
                ("address", models.TextField(blank=True)),
                ("time_zone", models.CharField(choices=camreg.agency.models._time_zone_choices, max_length=64)),
                ("boundary", models.JSONField()),
                ("jurisdiction_name", models.CharField(max_length=200)),
                ("confirm_mode", models.CharField(choices=[("review", "A staff member reviews each registration"), ("automatic", "Registrations are confirmed once the email is verified")], default="review", max_length=20)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name_plural": "agencies"},
        ),
    ]
