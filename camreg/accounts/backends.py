"""The authentication backend for the staff console: people only.

Django's ModelBackend, refusing service accounts (decision 0019) both when a password is
checked and when a session is loaded, so a service account can never be signed in to the
console, whatever its password field holds. The session's user is read with one plain
query (`camreg.rows`, decision 0028): every signed-in request reads it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from camreg import rows


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(
            user, "is_service_account", False
        )

    def get_user(self, user_id):
        # ModelBackend.get_user, the same lookup and the same refusal.
        user = rows.fetch(get_user_model(), pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
