"""Program settings in the staff console: thin views over agency, registry and outreach services."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camreg.accounts.roles import Permission, permission_required
from camreg.agency import services
from camreg.agency.models import Agency
from camreg.evidence.models import RetentionCategory
from camreg.outreach import email_texts
from camreg.outreach import services as outreach
from camreg.outreach.models import EmailText
from camreg.registry import services as registry
from camreg.registry.models import Registrant, RegistrationStatus, TermsVersion

from .settings_forms import (
    BoundaryForm,
    ConfirmModeForm,
    EmailTextForm,
    LimitsForm,
    ProfileForm,
    TermsForm,
)

SETTINGS = Permission.SETTINGS


def _page(request: HttpRequest, template: str, context: dict, form=None) -> HttpResponse:
    status = 400 if form is not None and form.is_bound and form.errors else 200
    if form is not None:
        context = {"form": form, "errors": form.error_summary(), **context}
    return render(request, template, context, status=status)


def _fresh_agency() -> Agency:
    """The agency row as stored (forms change the instance they validate)."""
    return Agency.objects.get(pk=services.current().pk)


def _saved(request: HttpRequest, changed: list[str], what: str) -> None:
    if changed:
        messages.success(request, f"{what} saved.")
    else:
        messages.info(request, "Nothing changed.")


def _add_validation_error(form, error: ValidationError, field: str | None = None) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error)


# Overview ------------------------------------------------------------------------------


@permission_required(SETTINGS)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    agency = services.current()
    overrides = EmailText.objects.count()
    return render(
        request,
        "console/settings/overview.html",
        {
            "boundary": services.summarize(agency.boundary),
            "terms": registry.current_terms(),
            "draft": registry.terms_draft(),
            "overrides": overrides,
            "email_count": len(email_texts.EMAILS) * len(settings.LANGUAGES),
            "retention_categories": list(RetentionCategory.objects.all()),
        },
    )


# Agency profile ---------------------------------------------------------------------------


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    agency = _fresh_agency()
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=agency)
        if form.is_valid():
            try:
                changed = services.update_profile(
                    {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
                    logo=form.logo_data,
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                    request=request,
                )
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                _saved(request, changed, "Agency profile")
                return redirect("settings:profile")
    else:
        form = ProfileForm(instance=agency)
    return _page(request, "console/settings/profile.html", {"current_logo": agency.logo}, form)


# Jurisdiction boundary ------------------------------------------------------------------


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def boundary(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = BoundaryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                agency = services.replace_boundary(
                    form.geometry, filename=form.cleaned_data["file"].name, request=request
                )
            except ValidationError as exc:
                _add_validation_error(form, exc, "file")
            else:
                summary = services.summarize(agency.boundary)
                messages.success(
                    request,
                    f"The jurisdiction boundary is replaced ({summary.area_sq_miles:,.0f} square "
                    "miles); every registered site lies inside it.",
                )
                return redirect("settings:boundary")
    else:
        form = BoundaryForm()
    agency = services.current()
    return _page(
        request,
        "console/settings/boundary.html",
        {"summary": services.summarize(agency.boundary), "demo_mode": settings.DEMO_MODE},
        form,
    )


@permission_required(SETTINGS)
@require_GET
def boundary_geojson(request: HttpRequest) -> HttpResponse:
    """The current boundary as a GeoJSON Feature, to edit in a GIS program."""
    agency = services.current()
    feature = {
        "type": "Feature",
        "properties": {"name": agency.jurisdiction_name},
        "geometry": agency.boundary,
    }
    response = HttpResponse(json.dumps(feature), content_type="application/geo+json")
    name = slugify(agency.jurisdiction_name) or "jurisdiction"
    response["Content-Disposition"] = f'attachment; filename="{name}-boundary.geojson"'
    return response


# Terms -----------------------------------------------------------------------------------


def _version(number: int) -> TermsVersion:
    return get_object_or_404(TermsVersion.objects.prefetch_related("texts"), number=number)


def _language_texts(version: TermsVersion) -> list[dict]:
    texts = {t.language: t for t in version.texts.all()}
    return [
        {"code": code, "name": str(name), "text": texts.get(code)}
        for code, name in settings.LANGUAGES
    ]


@permission_required(SETTINGS)
@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    versions = TermsVersion.objects.prefetch_related("texts").order_by("-number")
    return render(
        request,
        "console/settings/terms_list.html",
        {
            "versions": versions,
            "current": registry.current_terms(),
            "draft": registry.terms_draft(),
        },
    )


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def terms_create(request: HttpRequest) -> HttpResponse:
    draft = registry.terms_draft()
    if draft is not None:
        messages.info(request, f"Version {draft.number} is a draft already: edit it here.")
        return redirect("settings:terms-edit", number=draft.number)
    if request.method == "POST":
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                version = registry.create_terms_draft(form.texts(), request=request)
            except registry.TermsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Draft version {version.number} saved. Check the preview, then publish it.",
                )
                return redirect("settings:terms-version", number=version.number)
    else:
        form = TermsForm(initial=TermsForm.initial_from(registry.current_terms()))
    return _page(request, "console/settings/terms_form.html", {"version": None}, form)


@permission_required(SETTINGS)
@require_GET
def terms_version(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    is_current = (current := registry.current_terms()) is not None and current.pk == version.pk
    return render(
        request,
        "console/settings/terms_version.html",
        {
            "version": version,
            "texts": _language_texts(version),
            "is_current": is_current,
            "active_count": Registrant.objects.filter(status=RegistrationStatus.ACTIVE).count(),
        },
    )


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def terms_edit(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    if version.published_at is not None:
        raise Http404("Published terms versions cannot be changed.")
    if request.method == "POST":
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                changed = registry.update_draft(version, form.texts(), request=request)
            except registry.TermsError as exc:
                form.add_error(None, str(exc))
            else:
                _saved(request, changed, f"Draft version {version.number}")
                return redirect("settings:terms-version", number=version.number)
    else:
        form = TermsForm(initial=TermsForm.initial_from(version))
    return _page(request, "console/settings/terms_form.html", {"version": version}, form)


@permission_required(SETTINGS)
@require_POST
def terms_publish(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    try:
        version = registry.publish_terms(version, request=request)
    except registry.TermsError as exc:
        messages.error(request, str(exc))
        return redirect("settings:terms-version", number=version.number)
    messages.success(
        request,
        f"Version {version.number} is published. Active registrants are asked to accept it "
        "at their next visit.",
    )
    return redirect("settings:terms")


@permission_required(SETTINGS)
@require_POST
def terms_discard(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    try:
        registry.discard_draft(version, request=request)
    except registry.TermsError as exc:
        messages.error(request, str(exc))
        return redirect("settings:terms-version", number=version.number)
    messages.success(request, f"Draft version {number} is discarded.")
    return redirect("settings:terms")


# Email texts ------------------------------------------------------------------------------


def _email(key: str, language: str) -> email_texts.EmailKind:
    if key not in email_texts.EMAILS or language not in dict(settings.LANGUAGES):
        raise Http404("No such email or language.")
    return email_texts.EMAILS[key]


@permission_required(SETTINGS)
@require_GET
def emails(request: HttpRequest) -> HttpResponse:
    overrides = {
        (t.template, t.language): t for t in EmailText.objects.select_related("updated_by")
    }
    languages = email_texts.languages()
    rows = [
        {
            "kind": kind,
            "cells": [
                {"code": code, "name": name, "override": overrides.get((kind.key, code))}
                for code, name in languages
            ],
        }
        for kind in email_texts.EMAILS.values()
    ]
    return render(request, "console/settings/emails.html", {"rows": rows, "languages": languages})


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def email_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    kind = _email(key, language)
    override = email_texts.override_for(key, language)
    preview = None
    previewing = False
    if request.method == "POST":
        form = EmailTextForm(request.POST, key=key, language=language)
        if form.is_valid():
            if request.POST.get("action") == "preview":
                preview, previewing = form.rendered, True
            else:
                email_texts.save(
                    key,
                    language,
                    form.cleaned_data["subject"],
                    form.cleaned_data["body_text"],
                    request=request,
                )
                messages.success(request, "The email text is saved and used from now on.")
                return redirect("settings:email-edit", key=key, language=language)
    else:
        if override is not None:
            initial = {"subject": override.subject, "body_text": override.body_text}
        else:
            subject, body = email_texts.default_source(key, language)
            initial = {"subject": subject, "body_text": body}
        form = EmailTextForm(initial=initial, key=key, language=language)
        preview = outreach.render_email(template=key, context=kind.sample(), language=language)
    if preview is not None:
        preview = {**preview, "content_html": _html_fragment(preview)}
    return _page(
        request,
        "console/settings/email_edit.html",
        {
            "kind": kind,
            "language": language,
            "language_name": dict(email_texts.languages())[language],
            "override": override,
            "preview": preview,
            "previewing": previewing,
            "variables": _variables(kind),
            "allowed_tags": email_texts.ALLOWED_TAG_NAMES,
        },
        form,
    )


def _variables(kind: email_texts.EmailKind) -> list[tuple[str, str, str]]:
    """(name, meaning, sample or current value) of every variable an email text may use."""
    context = email_texts.sample_context(kind.key)
    rows = []
    for name, meaning in (*kind.variables, *email_texts.COMMON_VARIABLES):
        value = context
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, "")
        if name == "sites":
            value = "; ".join(site["address_line"] for site in value)
        rows.append((name, meaning, str(value)))
    return rows


def _html_fragment(rendered: dict[str, str]) -> str:
    """The text part as the HTML part shows it (paragraphs and links), for the preview."""
    return email_texts.content_html(rendered["body_text"])


@permission_required(SETTINGS)
@require_GET
def email_html(request: HttpRequest, key: str, language: str) -> HttpResponse:
    """The HTML part of the email as it goes out now, with sample data, as its own document."""
    kind = _email(key, language)
    rendered = outreach.render_email(template=key, context=kind.sample(), language=language)
    response = HttpResponse(rendered["body_html"])
    # The email layout carries its own inline styles; nothing in it may run or be framed.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
        "frame-ancestors 'none'; sandbox"
    )
    return response


@permission_required(SETTINGS)
@require_POST
def email_restore(request: HttpRequest, key: str, language: str) -> HttpResponse:
    _email(key, language)
    if email_texts.restore_default(key, language, request=request):
        messages.success(request, "The shipped text is used again.")
    else:
        messages.info(request, "This email already uses the shipped text.")
    return redirect("settings:email-edit", key=key, language=language)


# Confirm mode and limits --------------------------------------------------------------------


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def confirm_mode(request: HttpRequest) -> HttpResponse:
    agency = services.current()
    if request.method == "POST":
        form = ConfirmModeForm(request.POST)
        if form.is_valid():
            changed = services.change(
                {"confirm_mode": form.cleaned_data["confirm_mode"]},
                action="settings.confirm_mode_changed",
                request=request,
            )
            _saved(request, changed, "Confirm mode")
            return redirect("settings:confirm-mode")
    else:
        form = ConfirmModeForm(initial={"confirm_mode": agency.confirm_mode})
    pending = Registrant.objects.filter(status=RegistrationStatus.PENDING_REVIEW).count()
    return _page(request, "console/settings/confirm_mode.html", {"pending": pending}, form)


@permission_required(SETTINGS)
@require_http_methods(["GET", "POST"])
def limits(request: HttpRequest) -> HttpResponse:
    agency = _fresh_agency()
    if request.method == "POST":
        form = LimitsForm(request.POST, instance=agency)
        if form.is_valid():
            try:
                changed = services.change(
                    {name: form.cleaned_data[name] for name in services.LIMIT_FIELDS},
                    action="settings.limits_updated",
                    request=request,
                )
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                _saved(request, changed, "Canvass limits and deadlines")
                return redirect("settings:limits")
    else:
        form = LimitsForm(instance=agency)
    return _page(
        request,
        "console/settings/limits.html",
        {"settings_url": reverse("settings:settings")},
        form,
    )
