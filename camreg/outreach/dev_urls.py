"""Development-only pages, mounted under /dev/ when DEBUG and DEMO_MODE are on."""

from django.urls import path

from . import dev_views

app_name = "dev"

urlpatterns = [
    path("mailbox/", dev_views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", dev_views.mailbox_message, name="mailbox-message"),
    path("mailbox/<int:pk>/html/", dev_views.mailbox_message_html, name="mailbox-message-html"),
]
