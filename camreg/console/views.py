from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from camreg.accounts.roles import Permission, permission_required
from camreg.registry.models import Camera, Registrant, RegistrationStatus


@permission_required(Permission.CONSOLE)
def home(request: HttpRequest) -> HttpResponse:
    """The console's start page: program counts only, no personal data."""
    by_status = dict(
        Registrant.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "console/home.html",
        {
            "by_status": [(s.label, by_status.get(s.value, 0)) for s in RegistrationStatus],
            "cameras": Camera.objects.filter(
                site__registrant__status=RegistrationStatus.ACTIVE
            ).count(),
        },
    )
