from django.db import migrations

# This migration once created a default agency. An installation now sets up its own agency
# with `manage.py setup_agency` (development: `manage.py load_demo`); an empty database has
# none, and the site says that setup is pending. Kept so that the migration graph is unchanged.


class Migration(migrations.Migration):
    dependencies = [("agency", "0001_initial")]
    operations = []
