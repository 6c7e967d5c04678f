"""The staff administration pages of the console (/console/staff/)."""

from django.urls import path

from . import console_views as views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("service-accounts/new/", views.service_account_create, name="service-account-create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:pk>/reset-second-factor/", views.reset_mfa, name="reset-mfa"),
    path("<int:pk>/resend-invitation/", views.resend_invitation, name="resend-invitation"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
]
