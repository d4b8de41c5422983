import hmac
import re
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.fields import EncryptedTextField
from reference.codes import contains

_CJK = re.compile(r"[\u4e00-\u9fff]")


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
    def display_name(self) -> str:
        """The name as people say it: family name first and unspaced for Chinese names."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if first and last and _CJK.search(first + last):
            return f"{last}{first}"
        return self.get_full_name().strip() or self.username

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


class SmsMessage(models.Model):
    """A text message kept by the outbox SMS backend instead of being sent.

    Demo and test deployments read codes here (the admin console lists them);
    a real gateway backend implements the same interface and keeps no rows.
    """

    phone_encrypted = EncryptedTextField(_("phone"))
    phone_hash = models.CharField(_("phone hash"), max_length=64, db_index=True, editable=False)
    # A free slug rather than choices: other apps send their own kinds of
    # message without a migration here.
    kind = models.CharField(_("kind"), max_length=32)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.masked_phone} · {self.kind}"

    @property
    def phone(self) -> str:
        return self.phone_encrypted

    @property
    def masked_phone(self) -> str:
        return pii.mask_phone(self.phone) if self.phone else ""


class OneTimeCode(models.Model):
    """A six-digit code sent by SMS; only its keyed hash is stored.

    At most one code per phone and purpose is live (neither used nor
    superseded); the database enforces it, so two concurrent requests cannot
    both issue a code.
    """

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Log in")
        CONSENT = "consent", _("Consent to assisted access")

    phone_hash = models.CharField(_("phone hash"), max_length=64, editable=False)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.LOGIN)
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    ip_hash = models.CharField(_("network hash"), max_length=64, editable=False)
    # Set for consent codes: the worker consents to this person, so nobody
    # else may redeem the code.
    requested_by = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            models.Index(fields=["phone_hash", "created_at"], name="otp_phone_created"),
            models.Index(fields=["ip_hash", "created_at"], name="otp_ip_created"),
            models.Index(fields=["created_at"], name="otp_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash", "purpose"],
                condition=models.Q(used_at__isnull=True, superseded_at__isnull=True),
                name="otp_one_live_code_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_code(*, phone_hash: str, purpose: str, code: str) -> str:
        # Bound to phone and purpose so a code hash is useless for any other
        # number or flow, and keyed so a database dump cannot be brute-forced.
        return pii.keyed_hash(f"{purpose}:{phone_hash}:{code}", purpose="otp")

    def matches(self, code: str) -> bool:
        candidate = self.hash_code(phone_hash=self.phone_hash, purpose=self.purpose, code=code)
        return hmac.compare_digest(candidate, self.code_hash)

    def is_expired(self, at: datetime) -> bool:
        return at >= self.expires_at

    @property
    def is_burnt(self) -> bool:
        return self.attempts >= settings.OTP_MAX_ATTEMPTS

    @property
    def tries_left(self) -> int:
        return max(settings.OTP_MAX_ATTEMPTS - self.attempts, 0)

    def mark_used(self, at: datetime) -> None:
        self.used_at = at
        self.save(update_fields=["used_at"])

    def record_wrong_attempt(self) -> None:
        # F() keeps concurrent wrong guesses from overwriting each other's count.
        OneTimeCode.objects.filter(pk=self.pk).update(attempts=models.F("attempts") + 1)
        self.refresh_from_db(fields=["attempts"])


class AssistanceGrant(models.Model):
    """A village agent or bureau clerk may act for one worker, with recorded consent."""

    class ConsentMethod(models.TextChoices):
        SMS_CODE = "sms_code", _("Code sent to the worker's phone")
        SIGNED_FORM = "signed_form", _("Signed paper form")

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="assistance_given", verbose_name=_("acting person")
    )
    worker = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="assistance_received", verbose_name=_("worker")
    )
    consent_method = models.CharField(_("consent method"), max_length=12, choices=ConsentMethod.choices)
    consent_reference = models.CharField(
        _("consent reference"),
        max_length=64,
        help_text=_("Paper form number, or the reference of the code the worker read out."),
    )
    consent_statement = models.TextField(_("consent statement shown"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assistance grant")
        verbose_name_plural = _("assistance grants")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["actor", "ended_at"], name="assist_actor_open")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(actor=models.F("worker")), name="assist_actor_is_not_worker"),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="assist_ends_after_start",
            ),
            models.CheckConstraint(condition=~models.Q(consent_reference=""), name="assist_has_consent_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} → {self.worker}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def end(self, at: datetime) -> None:
        self.ended_at = at
        self.save(update_fields=["ended_at"])


class AssistedAction(models.Model):
    """One thing done for a worker under an assistance grant: the audit trail."""

    grant = models.ForeignKey(
        AssistanceGrant, on_delete=models.PROTECT, related_name="actions", verbose_name=_("assistance grant")
    )
    action = models.CharField(_("action"), max_length=64, help_text=_("A short code such as profile.update."))
    description = models.CharField(_("description"), max_length=255)
    # A label and an id rather than a foreign key: the audit trail outlives
    # the objects it mentions.
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("assisted action")
        verbose_name_plural = _("assisted actions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} · {self.created_at:%Y-%m-%d %H:%M}"
