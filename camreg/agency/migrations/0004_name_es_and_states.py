import camreg.agency.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agency', '0003_canvass_limits_and_retention'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='name_es',
            field=models.CharField(blank=True, help_text='Shown on pages in Spanish; when empty, the name is shown.', max_length=200, verbose_name='name in Spanish'),
        ),
        # Every agency set up before this field existed is in California.
        migrations.AddField(
            model_name='agency',
            name='states',
            field=models.CharField(default='CA', help_text='The two-letter code of the state the jurisdiction lies in, such as CA (several separated by commas).', max_length=200, validators=[camreg.agency.models.validate_states], verbose_name='state'),
            preserve_default=False,
        ),
    ]
