from django.apps import AppConfig


class CanvassConfig(AppConfig):
    name = "camreg.canvass"
    label = "canvass"
    verbose_name = "Canvass"
