from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "camreg.geo"
    label = "geo"
    verbose_name = "Geography"
