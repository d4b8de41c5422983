"""A hand-built world for the console dashboard: every figure has a known answer, nationwide and for Zhenxiong.

The period is the second quarter of 2026; rows sit on its first and last moments
and just outside, the quarter before and the same quarter of 2025. Workers come
from Zhenxiong (Yunnan) or Nanbu (Sichuan); jobs are in Dongguan (Guangdong) and
Yidu (Hubei). The expected answers are in EXPECTED (nationwide) and IN_ZHENXIONG.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from dispatch.models import Passenger, Stop, Trip, VehicleType
from jobs.models import Campaign, JobPosting
from matching.models import MatchRun, Offer
from rights.models import Case
from tests.accounts.factories import county
from tests.jobs.factories import CampaignFactory, PostingFactory, SiteFactory
from tests.matching.factories import MatchRunFactory, OfferFactory
from tests.training.factories import CourseFactory, EnrollmentFactory
from tests.workers.factories import WorkerProfileFactory
from training.models import Course, Enrollment, TrainingCertificate
from workers.models import Worker

ZHENXIONG, NANBU, DONGGUAN, YIDU = "530627", "511321", "441900", "420581"
START, END = date(2026, 4, 1), date(2026, 6, 30)

EXPECTED = {
    "registered": (4, 3),
    "out_at_work": {"440000": 1, "420000": 1},
    "out_poor": 1,
    "transported": (2, 1),
    "trained": (2, 1, 1),
    "poor": (2, 1),
    "local": {"work_for_relief": 1, "ecommerce": 1},
    "campaigns": {"春风行动": (2, 55, 3), "=南部县招聘会": (1, 10, 1)},
    "runs": (2, 5, 3),
    "full_run_offers": (4, 2),
    "wages": (Decimal("5200.00"), 1),
}
IN_ZHENXIONG = {
    "registered": (3, 2),
    "out_at_work": {"440000": 1},
    "out_poor": 0,
    "transported": (2, 1),
    "trained": (2, 1, 1),
    "poor": (1, 1),
    "local": {"ecommerce": 1},
    "campaigns": {"春风行动": (0, 0, 0)},
    "runs": (2, 3, 2),
    "full_run_offers": (3, 2),
    "wages": (Decimal("5200.00"), 1),
}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _worker(code: str, created: datetime, **fields) -> Worker:
    worker = WorkerProfileFactory(hukou_county=county(code), **fields)
    Worker.objects.filter(pk=worker.pk).update(created_at=created)
    worker.refresh_from_db()
    return worker


def _placed(worker: Worker, posting: JobPosting, arrived: datetime, run: MatchRun, status: str = "placed") -> Offer:
    return OfferFactory(worker=worker, posting=posting, run=run, status=status, closed_at=arrived)


def build() -> dict[str, object]:
    """Every row of the world; returns the objects tests refer to by name."""
    z1 = _worker(ZHENXIONG, at(2026, 1, 10), status=Worker.Status.EMPLOYED)
    z2 = _worker(
        ZHENXIONG,
        at(2026, 6, 30, 23, 59),
        status=Worker.Status.BACK_HOME,
        poor_labourer=Worker.PoorLabourer.VERIFIED,
    )
    z3 = _worker(ZHENXIONG, at(2026, 7, 1), status=Worker.Status.BACK_HOME, poor_labourer=Worker.PoorLabourer.VERIFIED)
    z4 = _worker(ZHENXIONG, at(2026, 2, 1), signup_step=Worker.SignupStep.HOME)
    z5 = _worker(
        ZHENXIONG,
        at(2026, 1, 5),
        status=Worker.Status.BACK_HOME,
        poor_labourer=Worker.PoorLabourer.VERIFIED,
        deleted_at=at(2026, 5, 1),
    )
    z6 = _worker(ZHENXIONG, at(2026, 5, 5), status=Worker.Status.BACK_HOME)
    n1 = _worker(NANBU, at(2026, 3, 31, 12), status=Worker.Status.EMPLOYED, poor_labourer=Worker.PoorLabourer.VERIFIED)

    spring = CampaignFactory(name="春风行动", starts_on=date(2026, 2, 1), ends_on=date(2026, 4, 1))
    fair = CampaignFactory(
        name="=南部县招聘会", kind=Campaign.Kind.JOB_FAIR, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2)
    )
    fair.regions.add(county(NANBU))
    CampaignFactory(name="冬季招聘", starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31))

    dongguan = PostingFactory(campaign=spring, headcount=50, filled_count=2)
    ecommerce = PostingFactory(
        campaign=spring, kind=JobPosting.Kind.ECOMMERCE, headcount=5, filled_count=1, employer=dongguan.employer
    )
    PostingFactory(campaign=spring, status=JobPosting.Status.DRAFT, headcount=7, employer=dongguan.employer)
    yidu_site = SiteFactory(employer=dongguan.employer, county=county(YIDU))
    relief = PostingFactory(
        campaign=fair,
        kind=JobPosting.Kind.WORK_FOR_RELIEF,
        site=yidu_site,
        employer=dongguan.employer,
        headcount=10,
        filled_count=1,
    )

    full = MatchRunFactory(started_at=at(2026, 4, 10, 8), finished_at=at(2026, 4, 10, 8) + timedelta(seconds=90))
    incremental = MatchRunFactory(trigger=MatchRun.Trigger.WORKER, started_at=at(2026, 6, 30, 23, 59))
    later = MatchRunFactory(started_at=at(2026, 7, 1))
    old = MatchRunFactory(started_at=at(2025, 4, 1))

    # Out at work now: z1 in Dongguan (an older Yidu placement superseded), n1 in Yidu; z6 went home.
    _placed(z1, relief, at(2025, 5, 1), old)
    z1_job = _placed(z1, dongguan, at(2026, 5, 1), full)
    _placed(z6, ecommerce, at(2026, 6, 15), full)
    _placed(n1, relief, at(2026, 4, 1), incremental)
    OfferFactory(worker=n1, posting=dongguan, run=full, status=Offer.Status.DECLINED)
    OfferFactory(worker=z4, posting=dongguan, run=full, status=Offer.Status.PROPOSED)
    # Poor labourers who went out: z2 on the period's last minute, n1 on its first; z3 just after; z5 a year before.
    _placed(z2, dongguan, at(2026, 6, 30, 23, 59), later)
    _placed(z3, dongguan, at(2026, 7, 1), later)
    _placed(z5, dongguan, at(2025, 4, 15), old)

    # Transport: one trip from Zhenxiong to Dongguan in May, two boarded, one did not; a planned trip does not count.
    coach = VehicleType.objects.get(seats=45)
    for status, boarded in ((Trip.Status.ARRIVED, 2), (Trip.Status.PLANNED, 1)):
        trip = Trip.objects.create(
            site=dongguan.site,
            travel_day=date(2026, 5, 10),
            vehicle_type=coach,
            status=status,
            departure_at=at(2026, 5, 10, 8),
            arrival_at=at(2026, 5, 11, 8),
            km=1500,
        )
        stop = Stop.objects.create(
            trip=trip, order=1, county=county(ZHENXIONG), place="客运站", pickup_at=trip.departure_at
        )
        for seat in range(1, 4):
            Passenger.objects.create(
                trip=trip,
                stop=stop,
                offer=OfferFactory(posting=dongguan, run=old),
                seat=seat,
                boarded_at=trip.departure_at if seat <= boarded else None,
            )

    # Training: z1 enrolled on the first minute and passed on the last day; n1 applied the day before.
    course = CourseFactory(type=Course.Type.TARGETED)
    passed = EnrollmentFactory(
        course=course,
        worker=z1,
        status=Enrollment.Status.COMPLETED,
        created_at=at(2026, 4, 1),
        enrolled_at=at(2026, 4, 1),
        finished_at=at(2026, 6, 30, 12),
    )
    EnrollmentFactory(course=course, worker=n1, created_at=at(2026, 3, 31, 23, 59), enrolled_at=at(2026, 3, 31, 23, 59))

    TrainingCertificate.objects.create(enrollment=passed, number="CF-2026-0001", level=5)
    # z6 passed a day after the period; the place was given in it, so it counts as enrolled only.
    EnrollmentFactory(
        course=CourseFactory(type=Course.Type.URGENT),
        worker=z6,
        status=Enrollment.Status.COMPLETED,
        created_at=at(2026, 6, 30, 23, 59),
        enrolled_at=at(2026, 6, 30, 23, 59),
        finished_at=at(2026, 7, 1),
    )

    # Wages: recovered for z1 on the last day; another recovery the next day.
    for day in (date(2026, 6, 30), date(2026, 7, 1)):
        Case.objects.create(
            kind=Case.Kind.WAGES,
            worker=z1,
            employer=dongguan.employer,
            offer=z1_job,
            sending_region=county(ZHENXIONG),
            receiving_region=county(DONGGUAN),
            amount_claimed=Decimal("5200"),
            description="=工资没有发",
            filed_by=z1.user,
            status=Case.Status.RECOVERED,
            recovery=Case.Recovery.FULL,
            recovered_amount=Decimal("5200"),
            recovered_on=day,
        )
    return {"full_run": full, "z1": z1, "n1": n1, "spring": spring}
