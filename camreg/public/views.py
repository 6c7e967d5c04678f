from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from camreg.agency import services as agency_services
from camreg.registry import services as registry_services


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


FAQS = [
    (
        _("Can deputies watch my cameras?"),
        _(
            "No. Registering gives no one access to your cameras or recordings. Deputies only "
            "know that a camera exists, where it points and how to contact you. If something "
            "happens nearby, they ask you for a copy of the video, and you decide."
        ),
    ),
    (
        _("Does it cost anything?"),
        _("No. Registration is free and voluntary, and you can leave at any time."),
    ),
    (
        _("Who can see my details?"),
        _(
            "Only agency staff whose work requires it, and every time they look it is "
            "recorded. Your details are never published or sold."
        ),
    ),
    (
        _("What happens to video I give you?"),
        _(
            "It may be used in an investigation and as evidence. It is not released to the "
            "public or the media except when the law or a court requires it, or as far as an "
            "investigation needs, for example a still picture on a bulletin asking the public "
            "to help identify a suspect."
        ),
    ),
    (
        _("Do I need a password?"),
        _(
            "No. To change your registration or leave, ask for a link on the “Manage my "
            "registration” page and we email it to you. The link works once, for 30 minutes."
        ),
    ),
    (
        _("I moved or no longer have cameras. What do I do?"),
        _(
            "Open “Manage my registration”, ask for a link, and choose “I moved” or “Leave "
            "the program”. Leaving erases your details at once."
        ),
    ),
    (
        _("Can I register a business?"),
        _(
            "Yes. Choose “Business”, give the business name and an on-site contact, and "
            "register as many places and cameras as you have."
        ),
    ),
    (
        _("Why do you ask which way my camera points?"),
        _(
            "So that deputies contact only the people whose cameras could have seen an "
            "incident, and do not bother everyone else."
        ),
    ),
]


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "public/faq.html", {"faqs": FAQS})


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    terms_version = registry_services.current_terms()
    return render(
        request,
        "public/terms.html",
        {
            "terms_version": terms_version,
            "terms_text": registry_services.terms_text(terms_version, request.LANGUAGE_CODE),
        },
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "public/privacy.html")


@require_GET
def agency_logo(request: HttpRequest) -> FileResponse:
    """The agency's logo from file storage (configured in program settings)."""
    agency = agency_services.current()
    if not agency.logo:
        raise Http404
    response = FileResponse(agency.logo.open("rb"))
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    status = {"status": "ok", "database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok"
        status.update(status="error", database="error", detail=exc.__class__.__name__)
        return JsonResponse(status, status=503)
    # A new installation is alive but answers "being set up" until setup_agency has run.
    try:
        status["agency"] = "ok" if agency_services.current_or_none() else "missing"
    except DatabaseError as exc:  # reachable, but not migrated (or the table is broken)
        status.update(status="error", agency="error", detail=exc.__class__.__name__)
        return JsonResponse(status, status=503)
    return JsonResponse(status)
