"""Reads for rights protection in the console: which cases and check-ins staff see, who may take a case, and
the placed workers who have stopped answering their monthly check-in."""

from datetime import date, datetime, time

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import region_prefix, staff_covering
from matching.models import Offer
from rights.models import Case, WageCheckin
from rights.services.checkins import previous_month


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Cases whose sending or receiving county lies in the staff member's region (all when nationwide)."""
    cases = Case.objects.all()
    prefix = region_prefix(user)
    if prefix is None:
        return cases.none()
    if not prefix:
        return cases
    return cases.filter(Q(sending_region__code__startswith=prefix) | Q(receiving_region__code__startswith=prefix))


def checkins_visible_to(user: User) -> QuerySet[WageCheckin]:
    """Check-ins of workers from the staff member's region or working at a site there (all when nationwide)."""
    checkins = WageCheckin.objects.all()
    prefix = region_prefix(user)
    if prefix is None:
        return checkins.none()
    if not prefix:
        return checkins
    return checkins.filter(
        Q(offer__worker__hukou_county__code__startswith=prefix)
        | Q(offer__posting__site__county__code__startswith=prefix)
    )


def staff_for_case(case: Case) -> QuerySet[User]:
    """Active bureau staff who may work the case (`rights.services.may_work`), by name."""
    superusers = User.objects.filter(is_active=True, is_superuser=True)
    staff = staff_covering(case.sending_region_id, case.receiving_region_id)
    return (superusers | staff).distinct().order_by("last_name", "first_name", "username")


def silent_placement_offers(user: User, *, today: date | None = None) -> QuerySet[Offer]:
    """The offers of `silent_placements`, bare: for counting them."""
    today = today or timezone.localdate()
    last = previous_month(today)
    before_last = previous_month(last)
    later = Offer.objects.filter(
        worker_id=OuterRef("worker_id"), status=Offer.Status.PLACED, closed_at__gt=OuterRef("closed_at")
    )
    answered = WageCheckin.objects.filter(offer_id=OuterRef("pk"), month__in=(before_last, last))
    # A moment, not closed_at__date: a date cast of every row could use no index.
    began_before = timezone.make_aware(datetime.combine(last, time.min))
    offers = (
        Offer.objects.filter(status=Offer.Status.PLACED, closed_at__lt=began_before)
        .exclude(Exists(later))
        .exclude(Exists(answered))
    )
    prefix = region_prefix(user)
    if prefix is None:
        return offers.none()
    if prefix:
        offers = offers.filter(
            Q(worker__hukou_county__code__startswith=prefix) | Q(posting__site__county__code__startswith=prefix)
        )
    return offers


def silent_placements(user: User, *, today: date | None = None) -> QuerySet[Offer]:
    """Workers' latest placements, begun before last month, with no check-in for either of the last two months.

    Wages for a month are asked about in the next one, so the last two finished
    months are both owed an answer by now. Scoped like the check-ins: the
    worker's home county or the site's county in the staff member's region.
    Each offer carries `last_answered` (the latest month answered, or None).
    """
    return (
        silent_placement_offers(user, today=today)
        .select_related("worker", "posting__employer", "posting__site__county", "worker__hukou_county")
        .annotate(last_answered=Max("wage_checkins__month"))
        .order_by("closed_at", "pk")
    )
