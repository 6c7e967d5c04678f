"""Move every second factor out of django-otp's plain-text tables (decision 0023).

- Each authenticator (otp_totp.TOTPDevice, key in hex) becomes an AuthenticatorDevice whose
  key is encrypted under MFA_ENCRYPTION_KEY (the migration stops if the key is not set), with
  its step, drift, last accepted step, throttle and confirmation unchanged: the same app keeps
  working and a code is still not accepted twice.
- Each set of recovery codes (otp_static.StaticToken, in plain text) becomes a
  RecoveryCodeDevice with the scrypt hash of each remaining code: the same codes keep working.

The old rows are deleted, so no secret stays readable in the database. Sessions verified by
an old device end: staff sign in again once (their app and codes still work).

Backwards: authenticator keys are decrypted into otp_totp again; recovery codes cannot be
(only their hashes exist), so they are dropped and people make new ones after a reset.
"""

from binascii import hexlify, unhexlify

from django.db import migrations


def forwards(apps, schema_editor):
    from camreg.accounts import encryption

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")

    for old in TOTPDevice.objects.all().iterator():
        AuthenticatorDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            last_used_at=old.last_used_at,
            encrypted_key=encryption.encrypt(unhexlify(old.key.encode("ascii"))),
            step=old.step,
            t0=old.t0,
            digits=old.digits,
            tolerance=old.tolerance,
            drift=old.drift,
            last_t=old.last_t,
        )
    TOTPDevice.objects.all().delete()

    work = encryption.recovery_code_work()
    for old in StaticDevice.objects.all().iterator():
        device = RecoveryCodeDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            last_used_at=old.last_used_at,
            salt=encryption.new_salt(),
            work=work,
        )
        RecoveryCode.objects.bulk_create(
            [
                RecoveryCode(
                    device=device,
                    code_hash=encryption.hash_recovery_code(
                        token.lower(), salt=device.salt, work=device.work
                    ),
                )
                for token in StaticToken.objects.filter(device_id=old.pk).values_list(
                    "token", flat=True
                )
            ]
        )
    StaticToken.objects.all().delete()
    StaticDevice.objects.all().delete()


def backwards(apps, schema_editor):
    from camreg.accounts import encryption

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    for device in AuthenticatorDevice.objects.all().iterator():
        TOTPDevice.objects.create(
            user_id=device.user_id,
            name=device.name,
            confirmed=device.confirmed,
            key=hexlify(encryption.decrypt(device.encrypted_key)).decode("ascii"),
            step=device.step,
            t0=device.t0,
            digits=device.digits,
            tolerance=device.tolerance,
            drift=device.drift,
            last_t=device.last_t,
        )
    AuthenticatorDevice.objects.all().delete()
    RecoveryCodeDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_service_accounts_second_factors_sessions"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
