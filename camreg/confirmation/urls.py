"""The one-click confirmation link of the yearly emails (mounted at /confirm/)."""

from django.urls import path

from . import views

app_name = "confirmation"

urlpatterns = [
    path("<str:token>/", views.confirm, name="confirm"),
]
