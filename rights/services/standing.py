"""Employer standing computed from what happened to the workers placed there.

Counted over the last twelve months: cases staff found well founded and still
open (wage claims and disputes alike), cases referred to arbitration, cases
where wages had to be recovered and the amount recovered; and retention, the
share of placed workers still there 30, 90 and 180 days after arrival (each
once at least five arrivals are that old). Score: 2 per open substantiated
case, 2 per arbitration, 1 per recovery, 2 more when 50,000 yuan or more had
to be recovered.

- blocked: two or more open substantiated cases, or a score of 5 or more;
- watch: a score of 2 or more, or retention below 70% at 30 days, 50% at 90
  days or 30% at 180 days;
- good otherwise.

Staff may decide the standing instead (jobs.services.employers.employer_standing_set,
with a note); a computed standing never replaces theirs. The reasons are kept
as [code, number] pairs on the employer, which pages put into words.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.selectors import staff_covering
from accounts.sms import send_sms
from jobs.models import Employer
from matching.models import Offer
from rights.models import Case, CaseEvent
from workers.models import Worker

YEAR = timedelta(days=365)
# Days after arrival → the share kept below which the employer is under watch, and the reason's code.
RETENTION = {30: (70, "retention_30"), 90: (50, "retention"), 180: (30, "retention_180")}
RETENTION_MIN_ARRIVALS = 5
LARGE_RECOVERY = Decimal("50000")
_BLOCKED_ALERT = gettext_lazy(
    "Chunfeng: %(employer)s is now blocked (open wage or labour cases). %(count)s accepted offers with it stay; "
    "check them in the console."
)


@dataclass(frozen=True)
class StandingReport:
    standing: str
    reasons: list[list[int | str]]
    open_substantiated: int
    arbitration: int
    recovered: int
    recovered_amount: Decimal
    retention: dict[int, int | None]  # days after arrival → percent still there (None: too few arrivals)

    @property
    def retention_percent(self) -> int | None:
        return self.retention[90]


def employer_standing_compute(*, employer_id: int, now: datetime | None = None) -> StandingReport:
    """The standing the employer's cases and retention call for, with the reasons."""
    now = now or timezone.now()
    cases = Case.objects.filter(employer_id=employer_id)
    year_ago = (now - YEAR).date()
    figures = cases.aggregate(
        open_substantiated=Count("pk", filter=Q(status__in=Case.OPEN, substantiated=True)),
        recovered=Count("pk", filter=Q(recovered_on__gte=year_ago)),
        recovered_amount=Sum("recovered_amount", filter=Q(recovered_on__gte=year_ago), default=Decimal("0")),
    )
    # A case referred to arbitration counts for a year from the referral, also once it is closed.
    figures["arbitration"] = (
        CaseEvent.objects.filter(case__employer_id=employer_id, status_to=Case.Status.ARBITRATION, at__gte=now - YEAR)
        .values("case_id")
        .distinct()
        .count()
    )
    retention = {days: _retention_percent(employer_id, now, days) for days in RETENTION}
    large = figures["recovered_amount"] >= LARGE_RECOVERY
    score = 2 * figures["open_substantiated"] + 2 * figures["arbitration"] + figures["recovered"] + 2 * large
    reasons: list[list[int | str]] = []
    if figures["open_substantiated"]:
        reasons.append(["open_cases", figures["open_substantiated"]])
    if figures["arbitration"]:
        reasons.append(["arbitration", figures["arbitration"]])
    if figures["recovered"]:
        reasons.append(["recovered", figures["recovered"]])
    if large:
        reasons.append(["recovered_amount", int(figures["recovered_amount"])])
    short_kept = False
    for days, (floor, code) in RETENTION.items():
        percent = retention[days]
        if percent is not None and percent < floor:
            reasons.append([code, percent])
            short_kept = True
    if figures["open_substantiated"] >= 2 or score >= 5:
        standing = Employer.Standing.BLOCKED
    elif score >= 2 or short_kept:
        standing = Employer.Standing.WATCH
    else:
        standing = Employer.Standing.GOOD
    return StandingReport(
        standing=standing,
        reasons=reasons,
        open_substantiated=figures["open_substantiated"],
        arbitration=figures["arbitration"],
        recovered=figures["recovered"],
        recovered_amount=figures["recovered_amount"],
        retention=retention,
    )


def _retention_percent(employer_id: int, now: datetime, days: int) -> int | None:
    """Of the workers who arrived `days` to a year and `days` ago, the share still employed there; None if few."""
    arrived = Offer.objects.filter(
        posting__employer_id=employer_id,
        status=Offer.Status.PLACED,
        closed_at__lte=now - timedelta(days=days),
        closed_at__gte=now - YEAR - timedelta(days=days),
    )
    total = arrived.count()
    if total < RETENTION_MIN_ARRIVALS:
        return None
    # Still there: employed, and no later placement elsewhere.
    later = Offer.objects.filter(
        worker_id=OuterRef("worker_id"), status=Offer.Status.PLACED, closed_at__gt=OuterRef("closed_at")
    )
    kept = arrived.filter(worker__status=Worker.Status.EMPLOYED).exclude(Exists(later))
    return round(100 * kept.count() / total)


@transaction.atomic
def employer_standing_refresh(*, employer_id: int) -> Employer:
    """Write the computed standing unless staff decided it; a new block alerts the region's staff."""
    employer = Employer.objects.select_for_update().get(pk=employer_id)
    if employer.standing_by_staff:
        return employer
    report = employer_standing_compute(employer_id=employer_id)
    became_blocked = report.standing == Employer.Standing.BLOCKED != employer.standing
    if (employer.standing, employer.standing_reasons) != (report.standing, report.reasons):
        employer.standing = report.standing
        employer.standing_reasons = report.reasons
        employer.standing_set_by = None
        employer.standing_set_at = timezone.now()
        employer.save(update_fields=["standing", "standing_reasons", "standing_set_by", "standing_set_at"])
    if became_blocked:
        _alert_blocked(employer)
    return employer


def _alert_blocked(employer: Employer) -> None:
    """Offers already accepted or confirmed stay; staff of the employer's region are told to look at them."""
    live = Offer.objects.filter(
        posting__employer=employer, status__in=[Offer.Status.ACCEPTED, Offer.Status.CONFIRMED]
    ).count()
    staff = staff_covering(employer.region_id)
    for user in staff:
        if not user.phone_encrypted:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = str(_BLOCKED_ALERT) % {"employer": employer.name, "count": live}
        transaction.on_commit(partial(send_sms, phone=user.phone, body=body, kind="rights.blocked"))
