"""The session engine (`SESSION_ENGINE`): Django's database sessions, loaded with one plain
query (`camreg.rows`, decision 0028) instead of the ORM's, since every signed-in request
loads its session. Saving, deleting and expiry are Django's."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from camreg import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # What Django's asks (`session_key=..., expire_date__gt=now`); the key is validated
        # by the store before it gets here.
        session = rows.fetch(
            self.model, session_key=self.session_key, expire_date__gt=timezone.now()
        )
        if session is None:
            self._session_key = None
        return session
