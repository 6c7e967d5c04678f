"""The development mailbox: read the outbox in a browser (only with DEBUG and DEMO_MODE)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from .models import OutboxMessage

MAILBOX_SIZE = 200

# The HTML body runs in a sandbox without scripts, forms or a same-origin identity.
HTML_BODY_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def dev_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 unless DEBUG and DEMO_MODE are both on, wherever the view is mounted."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (settings.DEBUG and getattr(settings, "DEMO_MODE", False)):
            raise Http404("Not available.")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@dev_only
def mailbox(request: HttpRequest) -> HttpResponse:
    messages = OutboxMessage.objects.order_by("-created_at", "-pk")[:MAILBOX_SIZE]
    return render(
        request,
        "outreach/dev/mailbox.html",
        {"outbox_messages": messages, "limit": MAILBOX_SIZE},
    )


@require_GET
@dev_only
def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(
        request,
        "outreach/dev/message.html",
        {"message": message, "from_email": settings.DEFAULT_FROM_EMAIL},
    )


@require_GET
@dev_only
@xframe_options_sameorigin
def mailbox_message_html(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    response = HttpResponse(message.body_html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_BODY_POLICY
    response["Cache-Control"] = "no-store"
    return response
