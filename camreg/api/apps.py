from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "camreg.api"
    label = "api"
    verbose_name = "REST API"
