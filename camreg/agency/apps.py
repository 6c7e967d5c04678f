from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "camreg.agency"
    label = "agency"
    verbose_name = "Agency"
