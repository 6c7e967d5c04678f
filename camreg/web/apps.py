from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "camreg.web"
    label = "web"
    verbose_name = "Shared page layout, forms and request helpers"
