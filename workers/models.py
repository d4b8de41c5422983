from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import pii
from accounts.fields import EncryptedTextField
from workers.identity import age_on
from workers.managers import WorkerQuerySet


class Worker(models.Model):
    """A migrant worker's profile: who they are, where home is, what they can do and want.

    The resident ID number is kept encrypted with a keyed hash for uniqueness;
    birth date comes from it and is never asked for separately.
    """

    class Status(models.TextChoices):
        SEEKING = "seeking", _("Seeking work")
        OFFERED = "offered", _("Has an offer")
        TRAVELLING = "travelling", _("Travelling to work")
        EMPLOYED = "employed", _("Employed")
        BACK_HOME = "back_home", _("Back home")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior middle school")
        SENIOR = "senior", _("Senior middle school")
        VOCATIONAL = "vocational", _("Vocational or technical school")
        COLLEGE = "college", _("College (dazhuan)")
        BACHELOR = "bachelor", _("Bachelor's degree or higher")

    class Destinations(models.TextChoices):
        ANYWHERE = "anywhere", _("Anywhere in China")
        PROVINCES = "provinces", _("The provinces I choose")
        LOCAL = "local", _("Local work only (my home prefecture)")

    class PoorLabourer(models.TextChoices):
        NO = "no", _("Not declared")
        DECLARED = "declared", _("Declared, waiting for the bureau to verify")
        VERIFIED = "verified", _("Verified by the bureau")
        REJECTED = "rejected", _("Not confirmed by the bureau")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class SignupStep(models.IntegerChoices):
        IDENTITY = 2, _("Identity")
        HOME = 3, pgettext_lazy("where the worker is from", "Home")
        WORK = 4, _("Work")
        GROUP = 5, _("Group")
        POOR_LABOURER = 6, _("Registered poor labourer")
        DONE = 7, _("Done")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worker", verbose_name=_("account")
    )
    real_name = models.CharField(_("real name"), max_length=64, blank=True)
    id_number_encrypted = EncryptedTextField(_("resident ID number"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, editable=False)
    # Read from the ID number like the birth date, for the bureau's fairness statistics.
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True, editable=False)
    consent_processing_at = models.DateTimeField(_("consented to processing at"), null=True, blank=True)
    consent_sharing_at = models.DateTimeField(_("consented to sharing with employers at"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)

    hukou_county = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household registration (hukou) county"),
    )
    current_county = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where I am now"),
        help_text=_("Only if away from the hukou county."),
    )

    education = models.CharField(_("education"), max_length=12, choices=Education.choices, blank=True)
    languages = models.CharField(_("languages and dialects"), max_length=200, blank=True)
    destinations = models.CharField(
        _("where I will work"), max_length=10, choices=Destinations.choices, default=Destinations.ANYWHERE
    )
    min_monthly_wage = models.PositiveIntegerField(_("lowest monthly wage I accept (yuan)"), null=True, blank=True)
    available_from = models.DateField(_("free to start from"), null=True, blank=True)
    available_to = models.DateField(_("free until"), null=True, blank=True)
    planned_return = models.DateField(_("planned return home"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SEEKING)
    poor_labourer = models.CharField(
        _("registered poor labourer"), max_length=10, choices=PoorLabourer.choices, default=PoorLabourer.NO
    )
    poor_labourer_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    poor_labourer_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    poor_labourer_note = models.CharField(_("bureau note"), max_length=255, blank=True)

    signup_step = models.PositiveSmallIntegerField(
        _("next sign-up step"), choices=SignupStep.choices, default=SignupStep.IDENTITY
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered on the worker's behalf by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    deleted_at = models.DateTimeField(
        _("deleted at"), null=True, blank=True, help_text=_("Personal data erased; the row stays for statistics.")
    )

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "hukou_county"]),
            # The console's list walks it newest first and stops after a page.
            models.Index(fields=["-created_at"], name="worker_created_idx"),
            # "Registered on a day" reads only this index (an index-only scan), not the wide rows.
            models.Index(
                fields=["signup_step", "created_at", "hukou_county", "deleted_at"], name="worker_registered_idx"
            ),
            # Declarations waiting for the bureau (the staff home's count and list): few rows among a million.
            models.Index(fields=["hukou_county"], condition=Q(poor_labourer="declared"), name="worker_declared_idx"),
        ]

    def __str__(self) -> str:
        return self.real_name or str(self.user)

    @property
    def id_number(self) -> str:
        return self.id_number_encrypted

    @property
    def masked_id_number(self) -> str:
        return pii.mask_id_number(self.id_number) if self.id_number else ""

    def set_id_number(self, number: str) -> None:
        """Store a validated ID number: ciphertext plus keyed hash."""
        self.id_number_encrypted = number
        self.id_number_hash = pii.keyed_hash(number, purpose="id_number")

    def age_on(self, day: date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, day)

    @property
    def signup_complete(self) -> bool:
        return self.signup_step >= self.SignupStep.DONE

    @property
    def has_priority(self) -> bool:
        """Only a bureau-verified declaration gives poor-labourer priority."""
        return self.poor_labourer == self.PoorLabourer.VERIFIED

    @property
    def region_code(self) -> str | None:
        """The county that scopes staff access: where the worker is registered."""
        return self.hukou_county_id


class Skill(models.Model):
    """An occupation the worker can do, with years of experience."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="skills")
    occupation = models.ForeignKey(
        "reference.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation")
    )
    years = models.PositiveSmallIntegerField(_("years of experience"))

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["-years", "occupation__code"]
        constraints = [models.UniqueConstraint(fields=["worker", "occupation"], name="skill_once_per_occupation")]

    def __str__(self) -> str:
        return f"{self.occupation} ({self.years})"


class Certificate(models.Model):
    """A vocational qualification the worker holds."""

    class Level(models.IntegerChoices):
        FIVE = 5, _("Level 5 (junior)")
        FOUR = 4, _("Level 4 (intermediate)")
        THREE = 3, _("Level 3 (senior)")
        TWO = 2, _("Level 2 (technician)")
        ONE = 1, _("Level 1 (senior technician)")
        OTHER = 0, _("Other certificate")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=100)
    occupation = models.ForeignKey(
        "reference.Occupation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.OTHER)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.name


class DestinationChoice(models.Model):
    """A province the worker will go to; rank 1 is the first choice (at most five)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="destination_choices")
    province = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "rank"], name="destination_rank_once"),
            models.UniqueConstraint(fields=["worker", "province"], name="destination_province_once"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=5), name="destination_rank_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.province}"


class Cohort(models.Model):
    """Family or fellow villagers who go to the same site together or not at all."""

    name = models.CharField(_("group name"), max_length=64)
    created_by = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="cohorts_created")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("workers travelling together", "group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def confirmed_workers(self) -> models.QuerySet[Worker]:
        return Worker.objects.filter(
            cohort_memberships__cohort=self, cohort_memberships__status=CohortMember.Status.CONFIRMED
        )


class CohortMember(models.Model):
    """An invitation into a cohort by phone number, and the invitee's answer."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the group")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, null=True, blank=True, related_name="cohort_memberships"
    )
    phone_encrypted = EncryptedTextField(_("phone"), editable=False)
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "phone_hash"], name="cohort_member_once"),
            # A worker stands in at most one group at a time.
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status__in=["invited", "confirmed"]) & Q(worker__isnull=False),
                name="cohort_one_open_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        return pii.mask_phone(self.phone_encrypted)


class UnemploymentRegistration(models.Model):
    """Unemployment registration where the worker lives, works or is insured (equal services)."""

    class Basis(models.TextChoices):
        HUKOU = "hukou", _("My household registration is here")
        WORKPLACE = "workplace", _("I work or last worked here")
        INSURED = "insured", _("I am insured here")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")
        CLOSED = "closed", _("Closed (found work)")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="unemployment_registrations")
    region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered in (county)")
    )
    basis = models.CharField(_("why here"), max_length=10, choices=Basis.choices)
    last_employer = models.CharField(_("last employer"), max_length=128, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processed by"),
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("unemployment registration")
        verbose_name_plural = _("unemployment registrations")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(status__in=["submitted", "accepted"]), name="unemployment_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.region_id}"
