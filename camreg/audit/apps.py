from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "camreg.audit"
    label = "audit"
    verbose_name = "Audit log"
