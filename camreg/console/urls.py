from django.urls import path

from . import confirmation_views, views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("review/", views.review, name="review"),
    path("review/confirm/", views.review_bulk_confirm, name="review-bulk-confirm"),
    path("review/<int:pk>/confirm/", views.review_confirm, name="review-confirm"),
    path("review/<int:pk>/reject/", views.review_reject, name="review-reject"),
    path("map/", views.registry_map, name="registry-map"),
    path("map/data/", views.registry_map_data, name="registry-map-data"),
    path("registrants/", views.registrants, name="registrants"),
    path("registrants/<int:pk>/", views.registrant, name="registrant"),
    path("registrants/<int:pk>/edit/", views.registrant_edit, name="registrant-edit"),
    path("registrants/<int:pk>/notes/", views.registrant_note, name="registrant-note"),
    path(
        "registrants/<int:pk>/confirm/",
        confirmation_views.confirm_for,
        name="registrant-confirm",
    ),
    path("confirmation/", confirmation_views.funnel, name="confirmation"),
    path(
        "confirmation/<str:month>/<str:stage>/",
        confirmation_views.funnel_list,
        name="confirmation-list",
    ),
    path("outbox/", confirmation_views.outbox, name="outbox"),
    path(
        "outbox/<int:pk>/<str:action>/",
        confirmation_views.outbox_action,
        name="outbox-action",
    ),
]
