"""Public registration and self-service pages. Thin: parse, call services, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from camreg.web.http import (
    client_ip,
    count_towards_limit,
    rate_limit_reached,
    rate_limited,
)

from . import portal as portal_session
from . import services, units
from .forms import LeaveForm, ManageRequestForm, MovedForm, RegistrationForm, TermsAcceptanceForm
from .models import Camera, Registrant, RegistrationStatus, normalise_email
from .validators import format_phone


def _client(request: HttpRequest) -> services.Client:
    return services.Client(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        language=request.LANGUAGE_CODE,
    )


SENT_COOKIE = "camreg_registered"
SENT_COOKIE_SECONDS = 900


def _link_language(request: HttpRequest, language: str | None = None) -> str | None:
    """The language a link from an email asks for: the registrant's (`language`, from the
    link's token) or ?lang=; activated for this request. The caller remembers it for the
    next pages with _remember_language. None when the link names none."""
    supported = dict(settings.LANGUAGES)
    chosen = language if language in supported else request.GET.get("lang", "")
    if chosen not in supported:
        return None
    translation.activate(chosen)
    request.LANGUAGE_CODE = chosen
    return chosen


def _remember_language(response: HttpResponse, language: str | None) -> HttpResponse:
    """Keep the link's language for the pages that follow (the language switch's cookie)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.SESSION_COOKIE_SECURE,
        )
        response["Content-Language"] = language
    return response


def _posted(request: HttpRequest):
    """The submitted data on POST (even when empty), None on GET."""
    return request.POST if request.method == "POST" else None


def _too_many(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["rate_limited"] = True
    return render(request, template, context, status=429)


def _register_context(request: HttpRequest, form, *, blank: bool = False) -> dict:
    """The registration page's context. A `blank` form is the same for everyone with the
    same language and terms version, so the template renders it once and caches it; pass
    it lazily and it is built only when that cached fragment is missing."""
    terms = services.current_terms()
    return {
        "form": form,
        "errors": [] if blank else form.error_summary(),
        "terms_version": terms,
        "terms_text": services.terms_text(terms, request.LANGUAGE_CODE),
        "is_edit": not blank and not form.with_terms,
        "cache_form": blank,
        "file_input_text": FILE_INPUT_TEXT,
        "compass_points": [
            (units.point_degrees(index), f"{short} ({name}, {units.point_degrees(index)}°)")
            for index, (_code, short, name) in enumerate(units.POINTS)
        ],
        "compass_words": {"faces": _("Faces %(direction)s")},
    }


# USWDS's file input writes its own English words; register.js puts these in their place.
FILE_INPUT_TEXT = {
    "Drag file here or": gettext_lazy("Drag file here or"),
    "choose from folder": gettext_lazy("choose from folder"),
    "Choose from folder": gettext_lazy("Choose from folder"),
    "No file selected.": gettext_lazy("No file selected."),
    "Selected file": gettext_lazy("Selected file"),
    "Change file": gettext_lazy("Change file"),
    "You have selected the file:": gettext_lazy("You have selected the file:"),
}


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        language = request.LANGUAGE_CODE
        blank = SimpleLazyObject(
            lambda: RegistrationForm(initial={"contact": {"language": language}})
        )
        context = _register_context(request, blank, blank=True)
        return render(request, "registry/register.html", context)
    form = RegistrationForm(request.POST, request.FILES)
    if form.is_structure_change:
        return render(request, "registry/register.html", _register_context(request, form))
    email = normalise_email(request.POST.get("contact-email", ""))[:254]
    if _registrations_limited(request, email):
        # Alone: the limit is the one thing to say, not the form's problems (the form keeps
        # what was typed, unchecked).
        form.finalize_structure_change()
        return _too_many(request, "registry/register.html", _register_context(request, form))
    if form.check():
        if form.honeypot_filled:  # a bot: look like success, store nothing
            return redirect("registry:register-sent")
        sites = form.prepare_sites()
        if sites is not None:
            outcome = services.register(form.contact.cleaned_data, sites, _client(request))
            form.forget_pending_photos()
            _count_registration(request, email)
            # The same page whether the registration is new or the email was registered
            # already (then a link to that registration went out): nothing tells who is
            # registered. A short-lived signed cookie carries the typed address to the page
            # without writing a session row for every registration.
            response = redirect("registry:register-sent")
            response.set_signed_cookie(
                SENT_COOKIE,
                outcome.registrant.email if outcome.new else form.contact.cleaned_data["email"],
                salt=SENT_COOKIE,
                max_age=SENT_COOKIE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    form.keep_photos(form.decoded)
    status = 400 if form.error_summary() else 200
    return render(
        request, "registry/register.html", _register_context(request, form), status=status
    )


def _registrations_limited(request: HttpRequest, email: str) -> bool:
    """Whether this connection or this email has had its share of accepted registrations."""
    if rate_limit_reached(request, "register-ip", settings.RATE_LIMIT_REGISTER_PER_IP):
        return True
    return bool(email) and rate_limit_reached(
        request, "register-email", settings.RATE_LIMIT_REGISTER_PER_EMAIL, key=email
    )


def _count_registration(request: HttpRequest, email: str) -> None:
    count_towards_limit(request, "register-ip", settings.RATE_LIMIT_REGISTER_PER_IP)
    count_towards_limit(
        request, "register-email", settings.RATE_LIMIT_REGISTER_PER_EMAIL, key=email
    )


@never_cache
@require_http_methods(["GET"])
def locate(request: HttpRequest) -> JsonResponse:
    """Where a typed address is, for the form's map (its pin follows the address): found
    inside the agency's area or not. Saving checks the address again; nothing is stored."""
    if rate_limited(request, "locate-ip", settings.RATE_LIMIT_LOCATE_PER_IP):
        return JsonResponse({"found": False, "limited": True}, status=429)
    site = {
        name: str(request.GET.get(name, ""))[:200]
        for name in ("street", "unit", "city", "postcode")
    }
    try:
        located = services.locate_site(site)
    except services.SiteLocationError:
        return JsonResponse({"found": False})
    return JsonResponse(
        {"found": True, "latitude": located.latitude, "longitude": located.longitude}
    )


@require_http_methods(["GET"])
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/register_sent.html",
        {
            "email": request.get_signed_cookie(
                SENT_COOKIE, default="", salt=SENT_COOKIE, max_age=SENT_COOKIE_SECONDS
            ),
            "hours": settings.VERIFICATION_LINK_HOURS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (so mail scanners cannot use the link up); POST verifies. Both in
    the registrant's language, whatever the browser prefers."""
    try:
        language = _link_language(
            request, services.peek_token(token, "verify_email").registrant.language
        )
    except services.TokenInvalid:
        language = _link_language(request)
        response = render(request, "registry/link_invalid.html", {"kind": "verify"}, status=410)
        return _remember_language(response, language)
    if request.method == "GET":
        return _remember_language(render(request, "registry/verify.html"), language)
    try:
        registrant = services.verify_email(token)
    except services.TokenInvalid:
        response = render(request, "registry/link_invalid.html", {"kind": "verify"}, status=410)
        return _remember_language(response, language)
    response = render(
        request,
        "registry/verified.html",
        {"active": registrant.status == RegistrationStatus.ACTIVE},
    )
    return _remember_language(response, language)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_request(request: HttpRequest) -> HttpResponse:
    language = _link_language(request)
    form = ManageRequestForm(_posted(request))
    if request.method == "POST":
        if rate_limited(request, "manage-ip", settings.RATE_LIMIT_MAGIC_LINK_PER_IP):
            return _too_many(request, "registry/manage_request.html", {"form": ManageRequestForm()})
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not form.cleaned_data.get("website") and not rate_limited(
                request, "manage-email", settings.RATE_LIMIT_MAGIC_LINK_PER_EMAIL, key=email
            ):
                services.send_manage_link(email)
            # The same answer whether or not the address is registered.
            return redirect("registry:manage-sent")
    status = 400 if form.is_bound and form.errors else 200
    response = render(
        request,
        "registry/manage_request.html",
        {"form": form, "errors": form.error_summary()},
        status=status,
    )
    return _remember_language(response, language)


@require_http_methods(["GET"])
def manage_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/manage_sent.html", {"minutes": settings.MAGIC_LINK_MINUTES})


@never_cache
@require_http_methods(["GET", "POST"])
def manage_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST opens the portal. In the registrant's language, which the
    portal keeps (the language cookie), whatever the browser prefers."""
    try:
        language = _link_language(request, services.peek_token(token, "manage").registrant.language)
    except services.TokenInvalid:
        language = _link_language(request)
        response = render(request, "registry/link_invalid.html", {"kind": "manage"}, status=410)
        return _remember_language(response, language)
    if request.method == "GET":
        return _remember_language(render(request, "registry/manage_link.html"), language)
    try:
        registrant = services.open_portal(token)
    except services.TokenInvalid:
        response = render(request, "registry/link_invalid.html", {"kind": "manage"}, status=410)
        return _remember_language(response, language)
    portal_session.start(request, registrant)
    return _remember_language(redirect("registry:portal"), registrant.language)


def _portal_registrant(request: HttpRequest) -> Registrant | None:
    registrant = portal_session.current(request)
    if registrant is None:
        messages.info(request, _("To manage your registration, ask for a new link by email."))
    return registrant


@never_cache
@require_http_methods(["GET"])
def portal(request: HttpRequest) -> HttpResponse:
    registrant = _portal_registrant(request)
    if registrant is None:
        return redirect("registry:manage-request")
    sites = list(registrant.sites.prefetch_related("cameras"))
    return render(
        request,
        "registry/portal.html",
        {
            "registrant": registrant,
            "phone": format_phone(registrant.phone),
            "alternate_phone": format_phone(registrant.alternate_phone),
            "onsite_contact_phone": format_phone(registrant.onsite_contact_phone),
            "sites": sites,
            "needs_terms": services.needs_terms_acceptance(registrant),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def portal_edit(request: HttpRequest) -> HttpResponse:
    registrant = _portal_registrant(request)
    if registrant is None:
        return redirect("registry:manage-request")
    limited = False
    if request.method == "POST":
        form = RegistrationForm(request.POST, request.FILES, with_terms=False)
        if not form.is_structure_change and _portal_save_limited(request, registrant):
            limited = True
        elif form.check() and not form.honeypot_filled:
            sites = form.prepare_sites()
            if sites is not None:
                try:
                    services.update_registration(registrant, form.contact.cleaned_data, sites)
                except services.EmailInUse as error:
                    form.contact.add_error("email", str(error))
                else:
                    form.forget_pending_photos()
                    messages.success(request, _("Your registration is updated."))
                    return redirect("registry:portal")
        if not form.is_structure_change and not limited:
            form.keep_photos(form.decoded)
    else:
        form = RegistrationForm(with_terms=False, initial=RegistrationForm.initial_for(registrant))
    with_photo = set(
        Camera.objects.filter(site__registrant=registrant)
        .exclude(photo="")
        .values_list("pk", flat=True)
    )
    for camera_id, camera_form in form.cameras_by_id().items():
        if camera_id in with_photo:
            camera_form.photo_url = reverse("registry:portal-photo", args=[camera_id])
    context = _register_context(request, form)
    context["registrant"] = registrant
    if limited:
        context["rate_limited"] = True
        return render(request, "registry/register.html", context, status=429)
    status = 400 if context["errors"] else 200
    return render(request, "registry/register.html", context, status=status)


def _portal_save_limited(request: HttpRequest, registrant: Registrant) -> bool:
    """Count one save of the portal's edit form, per registrant and per client IP, and say
    whether either limit is exceeded (a save may carry photos to decode)."""
    per_registrant = rate_limited(
        request,
        "portal-save-registrant",
        settings.RATE_LIMIT_PORTAL_SAVE_PER_REGISTRANT,
        key=f"registrant-{registrant.pk}",
    )
    per_ip = rate_limited(request, "portal-save-ip", settings.RATE_LIMIT_PORTAL_SAVE_PER_IP)
    return per_registrant or per_ip


@never_cache
@require_http_methods(["GET", "POST"])
def portal_terms(request: HttpRequest) -> HttpResponse:
    registrant = _portal_registrant(request)
    if registrant is None:
        return redirect("registry:manage-request")
    form = TermsAcceptanceForm(_posted(request), prefix="terms")
    if request.method == "POST" and form.is_valid():
        services.accept_terms(registrant, _client(request))
        messages.success(request, _("Thank you. You accepted the current terms."))
        return redirect("registry:portal")
    terms = services.current_terms()
    return render(
        request,
        "registry/portal_terms.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "terms_version": terms,
            "terms_text": services.terms_text(terms, request.LANGUAGE_CODE),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def portal_moved(request: HttpRequest) -> HttpResponse:
    registrant = _portal_registrant(request)
    if registrant is None:
        return redirect("registry:manage-request")
    form = MovedForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["where"] == MovedForm.WITHIN:
            services.remove_all_sites(registrant)
            messages.success(
                request, _("Your old address is removed. Enter your new address and cameras.")
            )
            return redirect("registry:portal-edit")
        services.leave(registrant, reason="moved")
        portal_session.end(request)
        return redirect("registry:goodbye")
    return render(
        request,
        "registry/portal_moved.html",
        {"form": form, "errors": form.error_summary()},
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def portal_leave(request: HttpRequest) -> HttpResponse:
    registrant = _portal_registrant(request)
    if registrant is None:
        return redirect("registry:manage-request")
    form = LeaveForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.leave(registrant, reason=form.cleaned_data["reason"])
        portal_session.end(request)
        return redirect("registry:goodbye")
    return render(
        request,
        "registry/portal_leave.html",
        {"form": form, "errors": form.error_summary()},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def portal_sign_out(request: HttpRequest) -> HttpResponse:
    portal_session.end(request)
    messages.success(request, _("You are signed out of your registration."))
    return redirect("public:home")


@never_cache
@require_http_methods(["GET"])
def portal_photo(request: HttpRequest, camera_id: int) -> FileResponse:
    registrant = portal_session.current(request)
    if registrant is None:
        raise Http404
    camera = Camera.objects.filter(pk=camera_id, site__registrant=registrant).first()
    if camera is None or not camera.photo:
        raise Http404
    response = FileResponse(default_storage.open(camera.photo, "rb"), content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/goodbye.html")
