from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "camreg.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
