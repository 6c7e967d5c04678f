# One person, one registration (part 3 of 3): the database refuses a second registration with
# the same normalised email among those that hold it (0007 merged the duplicates first).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_merge_duplicate_registrations"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="registrant",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("email_key", ""), _negated=True),
                    ("status__in", ("unverified", "pending_review", "active", "lapsed")),
                ),
                fields=("email_key",),
                name="one_registration_per_email",
            ),
        ),
    ]
