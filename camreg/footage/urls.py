"""Console pages of footage requests (mounted at /console/footage/)."""

from django.urls import path

from . import views

app_name = "footage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.request_create, name="request-create"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/contact/", views.request_contact, name="request-contact"),
    path("<int:pk>/received/", views.request_received, name="request-received"),
    path("<int:pk>/close/", views.request_close, name="request-close"),
    path("<int:pk>/renew/", views.request_renew, name="request-renew"),
    path("calls/<int:pk>/", views.call_log, name="call-log"),
]
