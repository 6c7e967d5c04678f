from django.shortcuts import render


def locked_out(request, credentials, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins."""
    return render(request, "accounts/locked_out.html", status=429)
