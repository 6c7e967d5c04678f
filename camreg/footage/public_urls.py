"""The registrant's page behind the link in a footage request email (mounted at /footage/)."""

from django.urls import path

from . import views

app_name = "footage-public"

urlpatterns = [
    path("<str:token>/", views.answer, name="answer"),
]
