"""The one-click confirmation page behind the link in the yearly emails. Thin: parse, call a
service, render; public, in the registrant's language (or the one chosen on the page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from camreg.registry import services as registry
from camreg.web.http import client_ip, link_page_language, render_link_page

from . import services
from .forms import ConfirmForm


def _language_for(request: HttpRequest, registrant) -> str:
    """?lang= when the visitor switched language on the page, else the registrant's."""
    return link_page_language(request, registrant.language if registrant is not None else None)


_render = render_link_page


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what we hold and one button (mail scanners follow links, so GET changes
    nothing); POST confirms, after the newer terms when there are any."""
    try:
        state = services.open_link(token)
    except services.LinkInvalid:
        language = _language_for(request, None)
        return _render(request, "confirmation/link_invalid.html", {}, language, status=410)
    registrant = state.registrant
    language = _language_for(request, registrant)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, needs_terms=state.needs_terms
    )
    if request.method == "POST" and form.is_valid():
        client = registry.Client(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            language=language,
        )
        try:
            services.confirm(
                token, accepts_terms=form.cleaned_data.get("accept_terms", False), client=client
            )
        except services.LinkInvalid:
            return _render(request, "confirmation/link_invalid.html", {}, language, status=410)
        except services.TermsNotAccepted:  # the terms changed while the page was open
            return _render(
                request,
                "confirmation/confirm.html",
                _page_context(services.open_link(token), ConfirmForm(needs_terms=True)),
                language,
                status=409,
            )
        was_lapsed = registrant.status == "lapsed"
        return _render(request, "confirmation/done.html", {"was_lapsed": was_lapsed}, language)
    with translation.override(language):
        errors = form.error_summary()
    return _render(
        request,
        "confirmation/confirm.html",
        {**_page_context(state, form), "errors": errors},
        language,
        status=400 if form.is_bound else 200,
    )


def _page_context(state: services.LinkState, form: ConfirmForm) -> dict:
    registrant = state.registrant
    sites = list(registrant.sites.prefetch_related("cameras"))
    return {
        "registrant": registrant,
        "sites": sites,
        "camera_count": sum(len(site.cameras.all()) for site in sites),
        "is_lapsed": registrant.status == "lapsed",
        "needs_terms": state.needs_terms,
        "terms": state.terms,
        "form": form,
    }
