"""What the API does when something happens below it."""

from __future__ import annotations

from django.dispatch import receiver

from camreg.accounts.signals import staff_deactivated

from . import services


@receiver(staff_deactivated, dispatch_uid="api.revoke_tokens_of_deactivated_account")
def revoke_tokens_of_deactivated_account(sender, user, actor=None, request=None, **kwargs):
    """A deactivated account's tokens are revoked for good: reactivating it does not bring
    them back (an administrator creates new ones)."""
    services.revoke_all_of(user, actor=actor, request=request, reason="account_deactivated")
