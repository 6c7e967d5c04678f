from django.urls import path

from . import settings_views as views

app_name = "settings"

urlpatterns = [
    path("", views.overview, name="settings"),
    path("profile/", views.profile, name="profile"),
    path("boundary/", views.boundary, name="boundary"),
    path("boundary/boundary.geojson", views.boundary_geojson, name="boundary-geojson"),
    path("terms/", views.terms, name="terms"),
    path("terms/new/", views.terms_create, name="terms-create"),
    path("terms/<int:number>/", views.terms_version, name="terms-version"),
    path("terms/<int:number>/edit/", views.terms_edit, name="terms-edit"),
    path("terms/<int:number>/publish/", views.terms_publish, name="terms-publish"),
    path("terms/<int:number>/discard/", views.terms_discard, name="terms-discard"),
    path("emails/", views.emails, name="emails"),
    path("emails/<slug:key>/<slug:language>/", views.email_edit, name="email-edit"),
    path("emails/<slug:key>/<slug:language>/html/", views.email_html, name="email-html"),
    path("emails/<slug:key>/<slug:language>/restore/", views.email_restore, name="email-restore"),
    path("confirm-mode/", views.confirm_mode, name="confirm-mode"),
    path("limits/", views.limits, name="limits"),
]
