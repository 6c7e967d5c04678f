from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register-sent"),
    path("register/locate/", views.locate, name="locate"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("manage/", views.manage_request, name="manage-request"),
    path("manage/sent/", views.manage_sent, name="manage-sent"),
    path("manage/link/<str:token>/", views.manage_link, name="manage-link"),
    path("my-registration/", views.portal, name="portal"),
    path("my-registration/edit/", views.portal_edit, name="portal-edit"),
    path("my-registration/terms/", views.portal_terms, name="portal-terms"),
    path("my-registration/moved/", views.portal_moved, name="portal-moved"),
    path("my-registration/leave/", views.portal_leave, name="portal-leave"),
    path("my-registration/sign-out/", views.portal_sign_out, name="portal-sign-out"),
    path("my-registration/photo/<int:camera_id>/", views.portal_photo, name="portal-photo"),
    path("goodbye/", views.goodbye, name="goodbye"),
]
