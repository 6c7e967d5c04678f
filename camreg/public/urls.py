from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("faq/", views.faq, name="faq"),
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", set_language, name="set-language"),
    path("agency-logo/", views.agency_logo, name="agency-logo"),
    path("healthz", views.healthz, name="healthz"),
]
