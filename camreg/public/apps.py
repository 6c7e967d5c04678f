from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "camreg.public"
    label = "public"
    verbose_name = "Public pages"
