"""The authentication backend for the staff console: people only.

Django's ModelBackend, refusing service accounts (decision 0019) both when a password is
checked and when a session is loaded, so a service account can never be signed in to the
console, whatever its password field holds.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(
            user, "is_service_account", False
        )
