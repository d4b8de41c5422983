from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.fields import EncryptedTextField
from jobs.managers import JobPostingQuerySet


class Employer(models.Model):
    """A company that recruits through Chunfeng, identified by its unified social credit code."""

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing")
        CONSTRUCTION = "construction", _("Construction")
        LOGISTICS = "logistics", _("Logistics and delivery")
        SERVICES = "services", _("Catering, domestic and other services")
        AGRICULTURE = "agriculture", _("Agriculture")
        ECOMMERCE = "ecommerce", _("E-commerce and new forms of work")
        MINING = "mining", _("Mining and energy")
        OTHER = "other", _("Other")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Waiting for the bureau")
        VERIFIED = "verified", _("Verified by the bureau")
        REJECTED = "rejected", _("Not verified")

    class Standing(models.TextChoices):
        GOOD = "good", _("Good")
        WATCH = "watch", _("Under watch")
        BLOCKED = "blocked", _("Blocked")

    name = models.CharField(_("company name"), max_length=128)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered in")
    )
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
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
    standing = models.CharField(_("standing"), max_length=8, choices=Standing.choices, default=Standing.GOOD)
    standing_note = models.CharField(_("standing note"), max_length=255, blank=True)
    standing_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    standing_set_at = models.DateTimeField(_("standing set at"), null=True, blank=True)
    standing_by_staff = models.BooleanField(
        _("standing set by staff"),
        default=False,
        help_text=_("Staff decided the standing: the one computed from cases and retention does not replace it."),
    )
    # Why the computed standing is what it is, as [code, number] pairs that pages put into words.
    standing_reasons = models.JSONField(_("standing reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
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

    @property
    def may_publish_without_review(self) -> bool:
        """Verified and in good standing: postings are approved by the rules alone."""
        return self.is_verified and self.standing == self.Standing.GOOD


class EmployerMember(models.Model):
    """A user who acts for an employer: the owner manages the company, recruiters post jobs."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        RECRUITER = "recruiter", _("Recruiter")

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("employer member")
        verbose_name_plural = _("employer members")
        constraints = [models.UniqueConstraint(fields=["employer", "user"], name="employer_member_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"


class Site(models.Model):
    """A factory or building site where posted work happens."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("site name"), max_length=128)
    address = models.CharField(_("address"), max_length=255)
    county = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A recruitment campaign, e.g. Spring Breeze Action or an offline job fair."""

    class Kind(models.TextChoices):
        SPRING_BREEZE = "spring_breeze", _("Spring Breeze Action")
        ONLINE = "online", _("Online recruitment drive")
        JOB_FAIR = "job_fair", _("Job fair")
        OTHER = "other", _("Other campaign")

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    regions = models.ManyToManyField("reference.Region", related_name="+", verbose_name=_("regions"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=128)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    booths = models.PositiveIntegerField(_("booths"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates")]

    def __str__(self) -> str:
        return self.name


class JobPosting(models.Model):
    """A job offer sheet: what the worker is promised, in writing, before travelling."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular job")
        WORK_FOR_RELIEF = "work_for_relief", _("Work-for-relief project")
        PUBLIC_WELFARE = "public_welfare", _("Public-welfare post")
        ECOMMERCE = "ecommerce", _("E-commerce and new forms of work")
        ENTREPRENEURSHIP = "entrepreneurship", _("Returning-home entrepreneurship support")

    class WageType(models.TextChoices):
        MONTHLY = "monthly", _("Monthly wage")
        PIECE = "piece", _("Piece rate")
        HOURLY = "hourly", _("Hourly rate")

    class Transport(models.TextChoices):
        POINT_TO_POINT = "p2p", _("Employer-paid point-to-point transport")
        SUBSIDY = "subsidy", _("Travel subsidy")
        NONE = "none", _("No transport help")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the bureau")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="postings")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="postings", verbose_name=_("site"))
    county = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        help_text=_("The site's county, kept on the posting for search."),
    )
    occupation = models.ForeignKey(
        "reference.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="postings", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(_("job title"), max_length=100)
    headcount = models.PositiveIntegerField(_("people needed"))
    start_date = models.DateField(_("start date"))
    contract_months = models.PositiveSmallIntegerField(_("contract length (months)"))

    wage_type = models.CharField(_("how pay is counted"), max_length=8, choices=WageType.choices)
    wage_rate = models.DecimalField(
        _("rate (yuan)"), max_digits=9, decimal_places=2, help_text=_("The monthly wage, or the piece or hour rate.")
    )
    expected_monthly = models.PositiveIntegerField(_("expected monthly pay before deductions (yuan)"))
    overtime_rules = models.CharField(_("overtime rules"), max_length=255, blank=True)
    probation_months = models.PositiveSmallIntegerField(_("probation (months)"), default=0)
    deduction_dormitory = models.PositiveIntegerField(_("dormitory deduction (yuan a month)"), default=0)
    deduction_meals = models.PositiveIntegerField(_("meals deduction (yuan a month)"), default=0)
    deduction_other = models.PositiveIntegerField(_("other deductions (yuan a month)"), default=0)
    deduction_other_note = models.CharField(_("what the other deductions are"), max_length=255, blank=True)
    housing_provided = models.BooleanField(_("housing provided"), default=False)
    meals_provided = models.BooleanField(_("meals provided"), default=False)
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices, default=Transport.NONE)
    transport_subsidy = models.PositiveIntegerField(_("travel subsidy (yuan)"), default=0)
    # Stored by the database so search can filter and sort on what the worker keeps, through an index.
    net_monthly = models.GeneratedField(
        expression=F("expected_monthly") - F("deduction_dormitory") - F("deduction_meals") - F("deduction_other"),
        output_field=models.IntegerField(),
        db_persist=True,
        verbose_name=_("net monthly pay (yuan)"),
    )

    skills_required = models.CharField(_("skills required"), max_length=255, blank=True)
    years_required = models.PositiveSmallIntegerField(_("years of experience required"), default=0)
    certificate_required = models.CharField(_("certificate required"), max_length=128, blank=True)
    trainees_accepted = models.BooleanField(_("trainees accepted"), default=False)
    training_offered = models.CharField(_("on-the-job training"), max_length=255, blank=True)
    hours_per_day = models.DecimalField(_("hours a day"), max_digits=4, decimal_places=1)
    days_per_week = models.PositiveSmallIntegerField(_("days a week"))
    safety_equipment = models.CharField(_("safety equipment provided"), max_length=255, blank=True)
    description = models.TextField(_("more about the job"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone_encrypted = EncryptedTextField(_("contact phone"), editable=False)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_flags = models.JSONField(
        _("flags for the bureau"), default=list, blank=True, help_text=_("Rules that want a person to look.")
    )
    filled_count = models.PositiveIntegerField(_("positions filled"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-published_at", "-id"]
        indexes = [
            # "Newest first" and "highest pay" walk these and stop after one page.
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "-net_monthly"]),
            models.Index(fields=["status", "county"]),
            models.Index(fields=["status", "expected_monthly"]),
            models.Index(fields=["status", "start_date"]),
            models.Index(fields=["status", "occupation"]),
            # The console's list order.
            models.Index(fields=["-submitted_at", "-id"], name="posting_submitted_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=1, headcount__lte=5000), name="posting_headcount"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def deductions(self) -> int:
        return self.deduction_dormitory + self.deduction_meals + self.deduction_other

    @property
    def open_positions(self) -> int:
        return max(self.headcount - self.filled_count, 0)

    @property
    def contact_phone(self) -> str:
        return self.contact_phone_encrypted
