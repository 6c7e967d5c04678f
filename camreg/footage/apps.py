from django.apps import AppConfig


class FootageConfig(AppConfig):
    name = "camreg.footage"
    label = "footage"
    verbose_name = "Footage requests"
