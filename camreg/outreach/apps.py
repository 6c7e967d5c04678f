from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "camreg.outreach"
    label = "outreach"
    verbose_name = "Outreach"
