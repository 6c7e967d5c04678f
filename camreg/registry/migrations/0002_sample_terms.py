from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data"
TITLES = {"en": "Terms and conditions", "es": "Términos y condiciones"}


def create_sample_terms(apps, schema_editor):
    """Version 1 of the terms: the project's sample wording; agencies publish their own."""
    TermsVersion = apps.get_model("registry", "TermsVersion")
    TermsText = apps.get_model("registry", "TermsText")
    if TermsVersion.objects.exists():
        return
    version = TermsVersion.objects.create(number=1, published_at=timezone.now())
    for language, title in TITLES.items():
        body = (DATA / f"terms_v1_{language}.txt").read_text(encoding="utf-8").strip()
        TermsText.objects.create(terms_version=version, language=language, title=title, body=body)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_sample_terms, migrations.RunPython.noop)]
