"""Staff users. Registrants never have accounts: they use magic links."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from camreg.tokens import Token

from .roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("Staff users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


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
    def invitation_pending(self) -> bool:
        """Invited, but no password set yet."""
        return self.is_active and not self.has_usable_password()

    @property
    def status_label(self) -> str:
        if not self.is_active:
            return "Deactivated"
        if self.invitation_pending:
            return "Invited"
        return "Active"


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
