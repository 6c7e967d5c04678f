from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "camreg.console"
    label = "console"
    verbose_name = "Staff console"
