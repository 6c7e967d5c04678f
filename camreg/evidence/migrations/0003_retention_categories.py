"""Default retention categories, and the custody event of a change of category.

The periods are starting points for the agency's records retention schedule (the program
coordinator and the agency's counsel set the real ones): docs/evidence.md, "Retention".
"""

from django.db import migrations, models

CATEGORIES = [
    (
        "No evidentiary value",
        "Footage reviewed and found to show nothing of the incident.",
        90,
        False,
    ),
    (
        "Misdemeanor",
        "Evidence of a misdemeanor or infraction.",
        2 * 365,
        False,
    ),
    (
        "Evidence in an open investigation",
        "The default for footage received for a case: kept three years (the general felony "
        "limitation period), then reviewed.",
        3 * 365,
        True,
    ),
    (
        "Homicide / major crime",
        "Homicide, sexual assault and other major crimes: kept 25 years.",
        25 * 365 + 6,
        False,
    ),
]


def create_categories(apps, schema_editor):
    RetentionCategory = apps.get_model("evidence", "RetentionCategory")
    has_default = RetentionCategory.objects.filter(is_default=True).exists()
    for name, description, days, is_default in CATEGORIES:
        RetentionCategory.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "retention_days": days,
                "is_default": is_default and not has_default,
            },
        )


def remove_categories(apps, schema_editor):
    RetentionCategory = apps.get_model("evidence", "RetentionCategory")
    RetentionCategory.objects.filter(
        name__in=[name for name, *_ in CATEGORIES], evidence_files__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_upload_detected_type"),
    ]

    operations = [
        migrations.AlterField(
            model_name="custodyevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("hash_computed", "Hash computed"),
                    ("viewed", "Viewed"),
                    ("downloaded", "Downloaded"),
                    ("exported", "Exported"),
                    ("shared", "Shared"),
                    ("released", "Released"),
                    ("hash_verified", "Hash re-verified"),
                    ("hash_mismatch", "Hash MISMATCH"),
                    ("retention_changed", "Retention category changed"),
                    ("deleted", "Deleted at the end of retention"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(create_categories, remove_categories),
    ]
