# The program's name in Spanish, beside the agency's (Spanish pages and emails).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0004_name_es_and_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="program_name_es",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Shown on pages and in emails in Spanish; when empty, the program name is "
                    "shown."
                ),
                max_length=200,
                verbose_name="program name in Spanish",
            ),
        ),
    ]
