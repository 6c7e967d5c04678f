from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from camreg.registry.models import Camera, Registrant


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The staff landing page: program counts only, no personal data."""
    by_status = dict(
        Registrant.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "accounts/home.html",
        {
            "by_status": by_status,
            "cameras": Camera.objects.filter(site__registrant__status="active").count(),
        },
    )
