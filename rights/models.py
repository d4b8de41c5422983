"""Wage check-ins after placement, and cases (wage claims and labour disputes) worked by two bureaus.

A placed worker says each month whether they were paid (`WageCheckin`). An
unpaid month or a shortfall pre-fills a wage claim; a worker (or an agent for
them, recorded) files a `Case`. The case belongs to two regions: the sending
county where the worker registered and the county of the employer's site; staff
of either may work it. Every step, message and piece of evidence is kept.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from rights.storage import evidence_storage


def month_span(first: date | None, last: date | None) -> str:
    """The months a case or claim is about in the active language: "Sep 2026", "Sep 2026 to Oct 2026", or "—"."""
    if first is None:
        return "—"
    start = date_format(first, "YEAR_MONTH_FORMAT")
    if last is None or last == first:
        return start
    return pgettext("a span of months", "%(first)s to %(last)s") % {
        "first": start,
        "last": date_format(last, "YEAR_MONTH_FORMAT"),
    }


class WageCheckin(models.Model):
    """One placed worker's answer for one month: paid in full, paid in part (how much), or not paid."""

    class Answer(models.TextChoices):
        PAID = "paid", _("Paid in full")
        PART = "part", _("Paid in part")
        UNPAID = "unpaid", _("Not paid")

    offer = models.ForeignKey("matching.Offer", on_delete=models.CASCADE, related_name="wage_checkins")
    month = models.DateField(_("month"), help_text=_("The first day of the month the answer is about."))
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    amount_paid = models.DecimalField(
        _("amount paid (yuan)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    expected = models.DecimalField(_("expected (yuan)"), max_digits=9, decimal_places=2)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("wage check-in")
        verbose_name_plural = _("wage check-ins")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "month"], name="wage_checkin_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="wage_checkin_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.month:%Y-%m}: {self.answer}"

    @property
    def shortfall(self) -> Decimal:
        """What is missing against the offer sheet's monthly pay (never negative)."""
        paid = Decimal("0") if self.answer == self.Answer.UNPAID else (self.amount_paid or self.expected)
        return max(self.expected - paid, Decimal("0"))


class Case(models.Model):
    """A wage claim or a labour dispute, from filing to recovery, arbitration or closing."""

    class Kind(models.TextChoices):
        WAGES = "wages", _("Unpaid wages")
        CONTRACT = "contract", _("Contract dispute")
        INJURY = "injury", _("Work injury")
        DISMISSAL = "dismissal", _("Dismissal")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        INVESTIGATING = "investigating", _("Investigating")
        MEDIATION = "mediation", _("In mediation")
        RECOVERED = "recovered", _("Recovered")
        ARBITRATION = "arbitration", _("Referred to arbitration")
        CLOSED = "closed", _("Closed")

    class Recovery(models.TextChoices):
        FULL = "full", _("In full")
        PARTIAL = "partial", _("In part")

    OPEN = (Status.RECEIVED, Status.ASSIGNED, Status.INVESTIGATING, Status.MEDIATION)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WAGES)
    worker = models.ForeignKey("workers.Worker", on_delete=models.PROTECT, related_name="cases")
    employer = models.ForeignKey("jobs.Employer", on_delete=models.PROTECT, related_name="cases")
    offer = models.ForeignKey("matching.Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    sending_region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("sending county")
    )
    receiving_region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving county")
    )
    period_start = models.DateField(_("from month"), null=True, blank=True)
    period_end = models.DateField(_("to month"), null=True, blank=True)
    amount_claimed = models.DecimalField(
        _("amount owed (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.TextField(_("what happened"), max_length=2000)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED)
    substantiated = models.BooleanField(
        _("substantiated"), default=False, help_text=_("Staff found the claim well founded.")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    stage_due = models.DateTimeField(_("this stage is due"), null=True, blank=True)
    recovery = models.CharField(_("recovered"), max_length=8, choices=Recovery.choices, blank=True)
    recovered_amount = models.DecimalField(
        _("amount recovered (yuan)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    recovered_on = models.DateField(_("recovered on"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "stage_due"]),
            models.Index(fields=["employer", "status"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")) | Q(period_start__isnull=True),
                name="case_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.stage_due is not None and self.stage_due < timezone.now()


class CaseEvent(models.Model):
    """A step of a case: a status change, a message between worker, staff and employer, or a note for staff."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Staff note")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status_from = models.CharField(max_length=14, choices=Case.Status.choices, blank=True)
    status_to = models.CharField(max_length=14, choices=Case.Status.choices, blank=True)
    body = models.TextField(_("text"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Evidence(models.Model):
    """A file a party gave to a case (an image or a PDF), stored outside the web root."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="cases/%Y/%m/")
    name = models.CharField(_("file name"), max_length=128)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CheckinPrompt(models.Model):
    """The monthly "were you paid?" text went to this placement for this month (sent once)."""

    offer = models.ForeignKey("matching.Offer", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in prompt")
        verbose_name_plural = _("check-in prompts")
        constraints = [models.UniqueConstraint(fields=["offer", "month"], name="checkin_prompt_once")]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.month:%Y-%m}"
