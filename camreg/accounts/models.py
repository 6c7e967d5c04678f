"""Staff users, their second factors and sessions. Registrants never have accounts: they use
magic links."""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from camreg.tokens import Token

from . import encryption
from .roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("Staff users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class AccountKind(models.TextChoices):
    # A person signs in to the console with a password and a second factor.
    PERSON = "person", "Person"
    # A system (dispatch, records) that calls the REST API with tokens; it never signs in
    # (decision 0019).
    SERVICE = "service", "Service account"


# Service accounts need a unique address to be a user; this reserved domain (RFC 2606)
# receives no mail, and nothing is ever sent to a service account.
SERVICE_ACCOUNT_EMAIL_DOMAIN = "service-account.invalid"


class DeactivationReason(models.TextChoices):
    ADMINISTRATOR = "administrator", "Deactivated by an administrator"
    INACTIVE = "inactive", "Disabled after a long time without signing in"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Role keys from camreg.accounts.roles.Role; what they allow is in roles.ROLE_PERMISSIONS.
    roles = models.JSONField(default=list, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_reason = models.CharField(
        max_length=20, choices=DeactivationReason.choices, blank=True
    )
    # Starts a fresh inactivity period, so a reactivated account is not disabled again at once.
    reactivated_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(
        max_length=10, choices=AccountKind.choices, default=AccountKind.PERSON, editable=False
    )
    # Part of every session's hash: raising it ends every session of the account for good,
    # even one nobody listed (deactivation does).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # When the owner and the administrators were told that sign-in locked: once per lockout.
    lockout_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_service_account(self) -> bool:
        return self.kind == AccountKind.SERVICE

    @property
    def invitation_pending(self) -> bool:
        """Invited, but no password set yet (people only: a service account has none)."""
        return self.is_active and not self.is_service_account and not self.has_usable_password()

    @property
    def status_label(self) -> str:
        if not self.is_active:
            return "Deactivated"
        if self.invitation_pending:
            return "Invited"
        return "Active"

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's session hash (of the password hash), with the session generation in it
        once raised: a session from before a deactivation never works again."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "camreg.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class StaffSession(models.Model):
    """A signed-in staff session, so that deactivation can end every one of them.

    Recorded when someone signs in (`user_logged_in`), forgotten when they sign out;
    rows older than the longest session (`STAFF_SESSION_HOURS`) are dropped daily.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Session of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


# Second factors ------------------------------------------------------------------------
#
# django-otp's own TOTP and static devices keep their secrets in plain text; these two keep
# an encrypted key and hashed codes instead (camreg.accounts.encryption, decision 0023).
# Both are django-otp devices, so `django_otp.login` and its middleware work as before.


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose key is stored encrypted."""

    encrypted_key = models.TextField(default=encryption.new_encrypted_totp_key, editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last code accepted: a code is never accepted twice.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return encryption.decrypt(self.encrypted_key)

    def set_key(self, key: bytes) -> None:
        self.encrypted_key = encryption.encrypt(key)

    def totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token) -> bool:
        """As django-otp's TOTPDevice: within `tolerance` steps, never the same step twice,
        throttled after failures."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = self.totp()
            verified = totp.verify(number, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator app scans (Key Uri Format)."""
        from base64 import b32encode

        label = str(self.user.get_username())
        params = urlencode(
            {
                "secret": b32encode(self.bin_key).decode("ascii"),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        issuer = (getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        if issuer:
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's set of single-use recovery codes, each stored only as a scrypt hash."""

    salt = models.CharField(max_length=64, default=encryption.new_salt, editable=False)
    work = models.PositiveIntegerField(default=encryption.recovery_code_work, editable=False)

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def hash(self, code: str) -> str:
        return encryption.hash_recovery_code(code, salt=self.salt, work=self.work)

    def add_codes(self, codes: list[str]) -> None:
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=self, code_hash=self.hash(code)) for code in codes]
        )

    def matching_code(self, code: str) -> RecoveryCode | None:
        return self.codes.filter(code_hash=self.hash(code)).first()

    def verify_token(self, token) -> bool:
        """Use a code up (deleted by its primary key: of two requests with the same code
        only one succeeds); throttled after failures."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.matching_code(str(token))
        if match is not None and RecoveryCode.objects.filter(pk=match.pk).delete()[0]:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"Recovery code of device {self.device_id}"


class TokenPurpose(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    PASSWORD_RESET = "password_reset", "Password reset"


class StaffToken(Token):
    """A single-use, expiring link sent by email (invitation or password reset).

    Only the SHA-256 of the token is stored; the token itself exists only in the email.
    See camreg.tokens.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=20, choices=TokenPurpose.choices)
    expires_at = models.DateTimeField()  # links always expire
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.user_id}"
