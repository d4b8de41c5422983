from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.fields import EncryptedTextField
from reference.codes import contains


class User(AbstractUser):
    """Everyone who logs in. Workers log in by phone and code; staff by password.

    The phone is kept encrypted with a keyed hash for lookup; it is never
    stored or indexed in clear.
    """

    class Role(models.TextChoices):
        WORKER = "worker", _("Worker")
        AGENT = "agent", _("Village agent")
        EMPLOYER = "employer", _("Employer member")
        PROVIDER = "provider", _("Training-provider member")
        STAFF = "staff", _("Bureau staff")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.WORKER)
    phone_hash = models.CharField(_("phone hash"), max_length=64, unique=True, null=True, blank=True, editable=False)
    phone_encrypted = EncryptedTextField(_("phone"), blank=True, editable=False)
    home_region = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home region"),
        help_text=_("Staff and agents see and act only within this region."),
    )
    nationwide = models.BooleanField(
        _("nationwide access"), default=False, help_text=_("Staff may see and act on every region.")
    )
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.phone_encrypted:
            return pii.mask_phone(self.phone)
        return self.username

    @property
    def phone(self) -> str:
        return self.phone_encrypted

    def set_phone(self, phone: str) -> None:
        """Store a normalised phone: ciphertext plus keyed hash."""
        normalized = pii.normalize_phone(phone)
        self.phone_encrypted = normalized
        self.phone_hash = pii.keyed_hash(normalized, purpose="phone")

    @property
    def masked_phone(self) -> str:
        return pii.mask_phone(self.phone) if self.phone else ""

    @property
    def is_bureau_staff(self) -> bool:
        return self.is_superuser or self.role == self.Role.STAFF

    def can_act_in(self, region_code: str) -> bool:
        """Region scope: staff and agents act only inside their home region."""
        if self.is_superuser or self.nationwide:
            return True
        if self.home_region_id is None:
            return False
        return contains(self.home_region_id, region_code)
