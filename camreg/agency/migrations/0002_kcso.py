from django.db import migrations


def create_default_agency(apps, schema_editor):
    from camreg.agency.services import kcso_defaults

    Agency = apps.get_model("agency", "Agency")
    if not Agency.objects.exists():
        Agency.objects.create(**kcso_defaults())


class Migration(migrations.Migration):
    dependencies = [("agency", "0001_initial")]
    operations = [migrations.RunPython(create_default_agency, migrations.RunPython.noop)]
