from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "camreg.registry"
    label = "registry"
    verbose_name = "Registry"
