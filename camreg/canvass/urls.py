from django.urls import path

from . import views

app_name = "canvass"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("new/", views.case_create, name="case-create"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/contact-sheet/", views.contact_sheet, name="contact-sheet"),
    path("<int:pk>/export.csv", views.export, name="export"),
]
