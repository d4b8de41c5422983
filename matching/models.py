"""Runs of the matcher and the offers it makes.

The database itself keeps the promises the matcher makes:
- a posting has one Seat row per position; every offer that holds a place
  names a seat, and a partial unique index lets only one such offer hold a
  seat, so a posting can never have more live offers than positions, whatever
  runs at the same time;
- a partial unique index gives a worker at most one live offer;
- a cohort's offers share a `group`, and every state change of a grouped offer
  is one UPDATE over the group (matching.services.offers), so they live and die
  together.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from matching.managers import OfferQuerySet


class MatchRun(models.Model):
    """One pass of the matcher: what started it, what it considered, what it made, how long each phase took."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled full run")
        MANUAL = "manual", _("Full run started by staff")
        WORKER = "worker", _("A worker signed up or changed")
        POSTING = "posting", _("A posting was published or changed")
        GRADUATE = "graduate", _("A course graduate for a reserved job")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: another full run was in progress")

    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    subject_id = models.PositiveBigIntegerField(
        _("worker or posting"), null=True, blank=True, help_text=_("For an incremental run, the id it was run for.")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    workers_considered = models.PositiveIntegerField(_("workers considered"), default=0)
    postings_considered = models.PositiveIntegerField(_("postings considered"), default=0)
    seats_open = models.PositiveIntegerField(_("open seats"), default=0)
    edges = models.PositiveBigIntegerField(_("candidate pairs"), default=0)
    matched = models.PositiveIntegerField(_("workers matched"), default=0)
    matched_per_pass = models.JSONField(
        _("matched after each pass"),
        default=list,
        blank=True,
        help_text=_("The first top-k pass, then each extension for workers left without a match."),
    )
    offers_made = models.PositiveIntegerField(_("offers made"), default=0)
    offers_kept = models.PositiveIntegerField(_("offers kept"), default=0)
    offers_withdrawn = models.PositiveIntegerField(_("offers withdrawn"), default=0)
    blocking_pairs = models.PositiveIntegerField(
        _("blocking pairs"),
        null=True,
        blank=True,
        help_text=_("Stability self-check: worker and posting pairs that would both rather be matched together."),
    )
    durations = models.JSONField(_("seconds per phase"), default=dict, blank=True)
    fairness = models.JSONField(
        _("fairness report"),
        default=list,
        blank=True,
        help_text=_("Match rate and mean net pay by home county, gender, age band and priority (full runs)."),
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-started_at", "-id"]
        permissions = [("run_matching", _("Can start a full matching run"))]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} #{self.pk}"

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.workers_considered if self.workers_considered else None

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None


class Seat(models.Model):
    """One position of a posting. Offers hold seats, so positions can never be promised twice."""

    posting = models.ForeignKey("jobs.JobPosting", on_delete=models.CASCADE, related_name="seats")
    number = models.PositiveIntegerField(_("seat"))

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["posting", "number"], name="seat_once_per_posting"),
            models.CheckConstraint(condition=Q(number__gte=1), name="seat_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id}#{self.number}"


class Offer(models.Model):
    """A job offered to a worker by the matcher, with both sides' reasons, through to placement."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the worker")
        ACCEPTED = "accepted", _("Accepted by the worker")
        DECLINED = "declined", _("Declined by the worker")
        EXPIRED = "expired", _("Expired without an answer")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CONFIRMED = "confirmed", _("Confirmed by the employer")
        PLACED = "placed", _("Arrived and started work")
        NO_SHOW = "no_show", _("Did not arrive")

    class DeclineReason(models.TextChoices):
        PAY = "pay", _("The pay is too low")
        PLACE = "place", _("Too far or the wrong place")
        TIMING = "timing", _("The start date does not suit me")
        FAMILY = "family", _("Family reasons")
        FOUND_WORK = "found_work", _("I found work myself")
        OTHER = "other", _("Another reason")

    class WithdrawReason(models.TextChoices):
        REOPTIMISED = "reoptimised", _("A fuller matching run found a better fit")
        POSTING_CLOSED = "posting_closed", _("The posting closed or changed")
        WORKER_CHANGED = "worker_changed", _("The worker's profile changed")
        COHORT = "cohort", _("A member of the group declined or dropped out")
        EMPLOYER = "employer", _("The employer withdrew it")

    run = models.ForeignKey(
        MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers", verbose_name=_("run")
    )
    worker = models.ForeignKey("workers.Worker", on_delete=models.CASCADE, related_name="offers")
    posting = models.ForeignKey("jobs.JobPosting", on_delete=models.PROTECT, related_name="offers")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="offers")
    cohort = models.ForeignKey(
        "workers.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="offers"
    )
    reservation = models.ForeignKey(
        "Reservation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("reservation"),
        help_text=_("Set when the offer fills a position kept for a course's graduates."),
    )
    group = models.UUIDField(
        pgettext_lazy("offers made together", "group"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Offers made to one cohort share a group."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    worker_score = models.FloatField(_("worker's score of the job"))
    posting_score = models.FloatField(_("job's score of the worker"))
    worker_reasons = models.JSONField(_("why the job suits the worker"), default=dict)
    posting_reasons = models.JSONField(_("why the worker suits the job"), default=dict)
    created_at = models.DateTimeField(_("offered at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("answer by"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    withdraw_reason = models.CharField(
        _("reason for withdrawing"), max_length=16, choices=WithdrawReason.choices, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    # Offers a worker is still bound by; a worker has at most one.
    LIVE = (Status.PROPOSED, Status.ACCEPTED, Status.CONFIRMED)
    # Offers that hold a seat: the live ones and the worker who arrived.
    SEATED = (*LIVE, Status.PLACED)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status__in=["proposed", "accepted", "confirmed"]),
                name="offer_one_live_per_worker",
            ),
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(status__in=["proposed", "accepted", "confirmed", "placed"]),
                name="offer_one_per_seat",
            ),
        ]
        indexes = [
            models.Index(fields=["posting", "status"]),
            models.Index(fields=["status", "expires_at"]),
            # Arrivals in a period (the console's placement figures).
            models.Index(fields=["status", "closed_at"], name="offer_status_closed_idx"),
            # "A later placement of the same worker" (current placements) is one probe of this index.
            models.Index(fields=["worker", "closed_at"], condition=Q(status="placed"), name="offer_placed_worker_idx"),
            # The console's offer list, newest first, one page at a time.
            models.Index(fields=["-created_at", "-id"], name="offer_newest_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="offer_status_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.posting} → {self.worker}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    def answer_by_passed(self, now: datetime) -> bool:
        return self.status == self.Status.PROPOSED and self.expires_at <= now


class Reservation(models.Model):
    """Positions of a posting an employer keeps for the graduates of a course (order-based training)."""

    course = models.ForeignKey("training.Course", on_delete=models.CASCADE, related_name="reservations")
    posting = models.ForeignKey("jobs.JobPosting", on_delete=models.CASCADE, related_name="reservations")
    seats = models.PositiveIntegerField(_("positions reserved"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(fields=["course", "posting"], name="reservation_once"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="reservation_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.posting} ← {self.course} ({self.seats})"
