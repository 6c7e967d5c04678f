"""API tokens belong to service accounts only (decision 0019): revoke every live token of a
person's account, each with an `api.token_revoked` audit event (actor: the system, reason
`service_accounts_only`).

Revoking is the safe choice: moving a token to a new service account would keep a secret
that a person (or whoever they gave it to) holds working under another name, with roles
nobody chose for a system. An administrator creates a service account with the roles the
integration needs and gives the system a new token. Every account existing before this
migration is a person's, so every live token is revoked.

The audit events are written with `camreg.audit.services.record` (the current audit model
and key, AUDIT_HMAC_KEY), after the audit app's migrations this one depends on. A new
installation has no tokens, so nothing is written there.
"""

from django.db import migrations
from django.utils import timezone


def revoke_person_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    live = ApiToken.objects.filter(
        user__kind="person", revoked_at__isnull=True, used_at__isnull=True
    )
    if not live.exists():
        return
    from camreg.audit.services import record

    now = timezone.now()
    for token in live.select_related("user").order_by("pk"):
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)
        record(
            "api.token_revoked",
            target_type="api.apitoken",
            target_id=token.pk,
            reason="API tokens belong to service accounts only (decision 0019).",
            details={
                "user_id": token.user_id,
                "name": token.name,
                "prefix": token.prefix,
                "reason": "service_accounts_only",
                "via": "migration api.0003",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_token_helper"),
        ("accounts", "0005_service_accounts_second_factors_sessions"),
        ("audit", "0005_sqlite_append_only_triggers"),
    ]
    operations = [migrations.RunPython(revoke_person_tokens, migrations.RunPython.noop)]
