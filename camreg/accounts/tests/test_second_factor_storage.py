"""Second-factor secrets at rest: the authenticator key is encrypted under MFA_ENCRYPTION_KEY
and recovery codes are stored only as hashes; signing in with either still works."""

from __future__ import annotations

import base64
import importlib
import io
from binascii import hexlify

import pyotp
import pytest
import time_machine
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts import encryption, services
from camreg.accounts.models import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice
from camreg.testing.staff import device_of, make_staff, recovery_codes, sign_in, totp_now

from .conftest import CONSOLE

pytestmark = pytest.mark.django_db

MIGRATION = "camreg.accounts.migrations.0006_encrypt_second_factors"


def raw_rows(table: str) -> str:
    """Everything in `table`, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


def key_forms(key: bytes) -> list[str]:
    b32 = base64.b32encode(key).decode()
    return [hexlify(key).decode(), b32, b32.rstrip("="), b32.lower()]


def test_the_database_holds_no_plain_secret_or_code(dana):
    device = device_of(dana)
    key = device.bin_key
    assert len(key) == 20
    rows = raw_rows(AuthenticatorDevice._meta.db_table)
    for form in key_forms(key):
        assert form not in rows
    codes = recovery_codes(dana)
    assert len(codes) == 10
    stored = raw_rows(RecoveryCode._meta.db_table) + raw_rows(RecoveryCodeDevice._meta.db_table)
    for code in codes:
        assert code not in stored
        assert services.format_recovery_code(code) not in stored
    # django-otp's plain-text tables stay empty.
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()


def test_sign_in_works_with_the_app_and_with_a_recovery_code(dana):
    assert sign_in(Client(), dana)["Location"] == CONSOLE
    code = recovery_codes(dana)[0]
    client = Client()
    assert sign_in(client, dana, code=code)["Location"] == CONSOLE
    assert client.get(CONSOLE).status_code == 200
    assert code not in recovery_codes(dana)
    assert services.recovery_codes_left(dana) == 9


def test_without_the_key_the_stored_secret_is_useless(dana, settings):
    device = device_of(dana)
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(InvalidToken):
        _key = AuthenticatorDevice.objects.get(pk=device.pk).bin_key


@time_machine.travel("2026-12-01 12:00:05", tick=False)
def test_a_rotated_key_keeps_working_and_the_old_one_can_go(dana, settings):
    old_key = settings.MFA_ENCRYPTION_KEY
    code = totp_now(device_of(dana))
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_RETIRED_KEYS = [old_key]
    assert totp_now(device_of(dana)) == code  # the retired key still decrypts
    with pytest.raises(CommandError):
        call_command("rotate_mfa_key", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_mfa_key", stdout=out)
    assert "1 authenticator key(s) re-encrypted" in out.getvalue()
    settings.MFA_ENCRYPTION_RETIRED_KEYS = []
    assert totp_now(device_of(dana)) == code
    assert not encryption.needs_rotation(device_of(dana).encrypted_key)


def test_the_migration_encrypts_keys_and_hashes_codes_that_keep_working():
    """Rows stored the old way (django-otp's plain tables) move, and sign-in still works with
    the same app and the same recovery codes."""
    person = make_staff("deputy", email="old.style@example.org", enrolled=False)
    old_totp = TOTPDevice.objects.create(user=person, name="phone", confirmed=True)
    old_static = StaticDevice.objects.create(user=person, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=old_static, token=t) for t in ("abcd2345", "wxyz6789")]
    )
    secret = base64.b32encode(old_totp.bin_key).decode()

    importlib.import_module(MIGRATION).forwards(apps, None)

    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert not StaticToken.objects.exists()
    device = device_of(person)
    assert device.bin_key == base64.b32decode(secret)
    rows = raw_rows(AuthenticatorDevice._meta.db_table)
    for form in key_forms(device.bin_key):
        assert form not in rows
    assert "abcd2345" not in raw_rows(RecoveryCode._meta.db_table)
    assert services.recovery_codes_left(person) == 2

    assert sign_in(Client(), person, code=pyotp.TOTP(secret).now())["Location"] == CONSOLE
    assert sign_in(Client(), person, code="ABCD-2345")["Location"] == CONSOLE
    assert services.recovery_codes_left(person) == 1


def test_the_key_is_a_fernet_key():
    assert encryption.is_valid_key(Fernet.generate_key().decode())
    for bad in ("", "short", "x" * 44, "not base64!" * 4):
        assert not encryption.is_valid_key(bad)
