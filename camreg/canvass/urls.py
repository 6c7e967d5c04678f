from django.urls import path

from . import output_views, views

app_name = "canvass"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("new/", views.case_create, name="case-create"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/searches/new/", views.search_add, name="search-add"),
    path("<int:pk>/status/", views.case_status, name="case-status"),
    path("<int:pk>/contact-sheet/", output_views.contact_sheet, name="contact-sheet"),
    path("<int:pk>/export.csv", output_views.export, name="export"),
]
