"""Training that closes the gap between what a worker can do and what posted jobs need.

Providers list courses; workers enrol (capacity enforced under a row lock,
then a waiting list); providers record attendance and the assessment; a pass
issues a certificate that adds the skill to the worker's profile and tells
matching. An employer may reserve positions of a posting for a course's
graduates (order-based training, 订单式培训: matching.models.Reservation); a
graduate then gets an offer for one of them through the matcher.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import pii
from accounts.fields import EncryptedTextField
from training.managers import CourseQuerySet, EnrollmentQuerySet


class Provider(models.Model):
    """A vocational school, an enterprise training centre or an online platform, verified by the bureau."""

    class Kind(models.TextChoices):
        SCHOOL = "school", pgettext_lazy("kind of training provider", "Vocational or technical school")
        ENTERPRISE = "enterprise", _("Enterprise training centre")
        ONLINE = "online", _("Online training platform")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Waiting for the bureau")
        VERIFIED = "verified", _("Verified by the bureau")
        REJECTED = "rejected", _("Not verified")

    name = models.CharField(pgettext_lazy("organisation", "name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered in")
    )
    address = models.CharField(_("address"), max_length=255)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone_encrypted = EncryptedTextField(_("contact phone"), editable=False)
    verification = models.CharField(
        _("verification"), max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note = models.CharField(_("verification note"), max_length=255, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone(self) -> str:
        return self.contact_phone_encrypted

    @property
    def masked_contact_phone(self) -> str:
        return pii.mask_phone(self.contact_phone) if self.contact_phone else ""

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED


class ProviderMember(models.Model):
    """A person who acts for a provider: lists courses, takes attendance, records results."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_memberships")
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("provider member")
        verbose_name_plural = _("provider members")
        constraints = [models.UniqueConstraint(fields=["provider", "user"], name="provider_member_once")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.user}"


class Course(models.Model):
    """A course of a policy type that teaches one occupation and may grant a certificate."""

    class Type(models.TextChoices):
        UPGRADE = "upgrade", _("Vocational skills upgrade")
        TARGETED = "targeted", _("Targeted job training (for an employer's jobs)")
        URGENT = "urgent", _("Urgently-needed occupation training")
        CONVERSION = "conversion", _("Job-conversion training")
        ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship training")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for enrolment")
        CLOSED = "closed", _("Closed")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("course title"), max_length=100)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    occupation = models.ForeignKey(
        "reference.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation taught")
    )
    certificate_level = models.PositiveSmallIntegerField(
        _("certificate granted"),
        null=True,
        blank=True,
        help_text=_("The skill level of the certificate a pass earns; empty when the course grants none."),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    county = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
        help_text=_("Where an in-person course takes place."),
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("places"))
    fee = models.PositiveIntegerField(_("fee (yuan)"), default=0)
    subsidy = models.PositiveIntegerField(_("training subsidy (yuan)"), default=0)
    living_allowance = models.BooleanField(_("living allowance for registered poor labourers"), default=False)
    language = models.CharField(_("language"), max_length=40, default="普通话")
    description = models.TextField(_("about the course"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["status", "occupation", "starts_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="course_dates"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
            models.CheckConstraint(
                condition=Q(format="online") | Q(county__isnull=False), name="course_in_person_has_county"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def net_fee(self) -> int:
        """What the worker pays after the subsidy."""
        return max(self.fee - self.subsidy, 0)


class Session(models.Model):
    """One class meeting of a course; attendance is taken per session."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_times")]

    def __str__(self) -> str:
        return f"{self.course}: {self.starts_at:%Y-%m-%d %H:%M}"


class Enrollment(models.Model):
    """A worker's place on a course (or on its waiting list) through to the result."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", pgettext_lazy("course enrolment", "Withdrawn")
        COMPLETED = "completed", _("Completed and passed")
        FAILED = "failed", _("Completed, not passed")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    worker = models.ForeignKey("workers.Worker", on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)
    enrolled_at = models.DateTimeField(_("place given at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
        help_text=_("Someone who enrolled the worker on their behalf."),
    )
    score = models.PositiveSmallIntegerField(_("assessment score"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    ACTIVE = (Status.ENROLLED, Status.WAITLISTED)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "worker"],
                condition=Q(status__in=["enrolled", "waitlisted", "completed", "failed"]),
                name="enrollment_once_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status", "created_at"]),
            # The default order, which the console's list walks and stops after a page.
            models.Index(fields=["created_at", "id"], name="enrollment_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.worker}"


class Attendance(models.Model):
    """Whether an enrolled worker was at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.session}: {self.enrollment.worker}"


class TrainingCertificate(models.Model):
    """The certificate a pass earns; it also stands on the worker's profile as a certificate and a skill."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    level = models.PositiveSmallIntegerField(_("level"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    profile_certificate = models.ForeignKey(
        "workers.Certificate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")

    def __str__(self) -> str:
        return self.number
