"""Workers in batches: identity, skills and destinations, past placements, enrolments, registrations."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from stdnum.cn import ric

from accounts.models import User
from console.seeding import places
from console.seeding.base import (
    BATCH,
    HISTORY_DAYS,
    PREFIX,
    PROVINCE_WEIGHTS,
    CourseRow,
    Post,
    SeedError,
    World,
    phone,
    user_row,
    with_check,
)
from matching.models import MatchRun, Offer, Seat
from training.models import Enrollment, TrainingCertificate
from workers.models import Certificate, DestinationChoice, Skill, UnemploymentRegistration, Worker
from workers.services.profile import CONSENT_VERSION

# Workers -------------------------------------------------------------------------------------------------------


def history_runs_create(world: World) -> None:
    """One scheduled full run a month in the past, so the console's run history has a trend to show."""
    first = (world.today - timedelta(days=HISTORY_DAYS + 90)).replace(day=1)
    month = first
    rows = []
    while month < world.today.replace(day=1):
        started = world.at(month, hour=2)
        rows.append(
            MatchRun(
                trigger=MatchRun.Trigger.SCHEDULED,
                status=MatchRun.Status.FINISHED,
                parameters={"seeded": True},
                started_at=started,
                finished_at=started + timedelta(seconds=world.rng.uniform(4, 40)),
                durations={},
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)
    MatchRun.objects.bulk_create(rows)
    world.history_runs = {run.started_at.date().replace(day=1): run.pk for run in rows}


@dataclass
class _Plan:
    """One worker's rows before they are written."""

    user: User
    worker: Worker
    skills: dict[int, int]
    provinces: list[str]
    post: Post | None = None
    offered_at: datetime | None = None
    seat: int = 0
    course: CourseRow | None = None
    enrollment_status: str = ""
    unemployed: bool = False


def _id_number(world: World, county: str, male: bool) -> tuple[str, date]:
    rng = world.rng
    while True:
        age = rng.choice(range(18, 59)) if rng.random() < 0.3 else rng.randint(22, 45)
        born = date(world.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        # Sequences from 101 up: the low ones stay free for hand-made demo and test people.
        last = world.sequences.get((county, born), 100)
        sequence = last + 1 if (last + 1) % 2 == male else last + 2
        if sequence <= 999:
            world.sequences[(county, born)] = sequence
            return with_check(f"{county}{born:%Y%m%d}{sequence:03d}", ric.calc_check_digit), born


def _unclash(world: World, plans: list[_Plan]) -> None:
    """Draw again the ID numbers and phones that people outside the seed (a demo login, a sign-up) already hold."""
    for attempt in range(1, 10):
        ids = {plan.worker.id_number_hash for plan in plans}
        phones = {plan.user.phone_hash for plan in plans}
        taken_ids = set(Worker.objects.filter(id_number_hash__in=ids).values_list("id_number_hash", flat=True))
        taken_phones = set(User.objects.filter(phone_hash__in=phones).values_list("phone_hash", flat=True))
        if not taken_ids and not taken_phones:
            return
        for plan in plans:
            worker = plan.worker
            if worker.id_number_hash in taken_ids:
                number, worker.birth_date = _id_number(world, worker.hukou_county_id or "", worker.gender == "male")
                worker.set_id_number(number)
            if plan.user.phone_hash in taken_phones:
                plan.user.set_phone(phone(6, int(plan.user.username.removeprefix(f"{PREFIX}w")) * 10 + attempt))
    raise SeedError("Could not draw unused ID numbers and phones.")


def _free_post(world: World, posts: list[Post]) -> Post | None:
    if not posts:
        return None
    start = world.rng.randrange(len(posts))
    for offset in range(min(len(posts), 40)):
        post = posts[(start + offset) % len(posts)]
        if post.filled < post.headcount:
            return post
    return None


def _plan(world: World, i: int, sending: dict[str, int]) -> _Plan:
    rng = world.rng
    county = world.pick(sending)
    male = rng.random() < 0.64
    number, born = _id_number(world, county, male)
    name = rng.choice(places.SURNAMES) + "".join(rng.choices(places.GIVEN, k=rng.choice([1, 2, 2])))
    post = None
    if rng.random() < 0.45:
        local_posts = world.past_local.get(county[:4], [])
        post = _free_post(world, local_posts if local_posts and rng.random() < 0.2 else world.past_migrant)
    if post is not None:
        created = world.at(post.start - timedelta(days=rng.randint(14, 90)), hour=rng.randint(8, 20))
        back = post.start + timedelta(days=30 * post.contract_months) < world.today
        status = Worker.Status.BACK_HOME if back else Worker.Status.EMPLOYED
        destinations = Worker.Destinations.LOCAL if post.local else Worker.Destinations.PROVINCES
        provinces = [] if post.local else [post.county[:2] + "0000"]
        minimum = max(1800, post.expected - rng.randrange(0, 1200, 100))
        available_from = post.start - timedelta(days=rng.randint(0, 10))
        skills = {post.occupation_id: rng.randint(0, 10)}
    else:
        created = world.now - timedelta(days=rng.randint(0, HISTORY_DAYS), minutes=rng.randint(0, 1440))
        status = Worker.Status.SEEKING
        destinations = rng.choices(list(Worker.Destinations), weights=[30, 55, 15])[0]
        provinces = []
        if destinations == Worker.Destinations.PROVINCES:
            while not provinces or (len(provinces) < 3 and rng.random() < 0.4):
                province = world.pick(PROVINCE_WEIGHTS)
                if province not in provinces:
                    provinces.append(province)
        local = destinations == Worker.Destinations.LOCAL
        minimum = rng.randrange(2000, 3600, 100) if local else rng.randrange(3500, 6600, 100)
        available_from = world.today + timedelta(days=rng.randint(-30, 20))
        skills = {}
    trades = [world.occupations[c] for c in places.MIGRANT_TRADES if c in world.occupations]
    local_trades = [world.occupations[t[1]] for t in places.LOCAL_TRADES if t[1] in world.occupations]
    while len(skills) < rng.choice([1, 2, 2, 3]):
        pool = local_trades if destinations == Worker.Destinations.LOCAL and rng.random() < 0.7 else trades
        skills.setdefault(rng.choice(pool), rng.randint(0, 15))
    poor = rng.random()
    verified = poor < 0.2
    user = user_row(f"{PREFIX}w{i}", User.Role.WORKER, phone(5, i), created, region=county)
    worker = Worker(
        user=user,
        real_name=name,
        birth_date=born,
        gender=Worker.Gender.MALE if male else Worker.Gender.FEMALE,
        consent_processing_at=created,
        consent_sharing_at=created,
        consent_version=CONSENT_VERSION,
        hukou_county_id=county,
        education=rng.choices(list(Worker.Education), weights=[2, 14, 48, 18, 12, 4, 2])[0],
        languages="普通话",
        destinations=destinations,
        min_monthly_wage=minimum,
        available_from=available_from,
        available_to=available_from + timedelta(days=rng.randint(180, 330)),
        planned_return=date(available_from.year + 1, 1, 20),
        status=status,
        poor_labourer=Worker.PoorLabourer.VERIFIED
        if verified
        else (Worker.PoorLabourer.DECLARED if poor < 0.24 else Worker.PoorLabourer.NO),
        poor_labourer_checked_by=world.staff if verified else None,
        poor_labourer_checked_at=created + timedelta(days=3) if verified else None,
        poor_labourer_note="已核对扶贫开发信息系统" if verified else "",
        signup_step=Worker.SignupStep.DONE,
        created_at=created,
    )
    worker.set_id_number(number)
    plan = _Plan(user=user, worker=worker, skills=skills, provinces=provinces, post=post)
    if post is not None:
        post.filled += 1
        plan.seat = post.filled
        plan.offered_at = max(created + timedelta(days=1), world.at(post.start - timedelta(days=rng.randint(8, 12))))
    courses = world.courses.get(county[:4], [])
    if courses and rng.random() < 0.12:
        course = rng.choice(courses)
        plan.course = course
        if course.past:
            plan.enrollment_status = rng.choices(["completed", "failed", "withdrawn"], weights=[75, 10, 15])[0]
        else:
            plan.enrollment_status = rng.choices(["enrolled", "waitlisted"], weights=[80, 20])[0]
    plan.unemployed = status == Worker.Status.SEEKING and rng.random() < 0.04
    return plan


def workers_create(world: World, numbers: range) -> None:
    sending = {code: weight for code, weight in places.SENDING_COUNTIES.items() if code in world.regions}
    plans = [_plan(world, i, sending) for i in numbers]
    _unclash(world, plans)
    User.objects.bulk_create([plan.user for plan in plans], batch_size=BATCH)
    for plan in plans:
        plan.worker.user_id = plan.user.pk
    Worker.objects.bulk_create([plan.worker for plan in plans], batch_size=BATCH)
    world.counts["workers"] += len(plans)
    world.counts["registered poor labourers (verified)"] += sum(p.worker.has_priority for p in plans)
    _choices(world, plans)
    _placements(world, [plan for plan in plans if plan.post is not None])
    _enrollments(world, [plan for plan in plans if plan.course is not None])
    registrations = []
    for plan in plans:
        if not plan.unemployed:
            continue
        days, accepted = world.rng.randint(3, 90), world.rng.random() < 0.6
        registrations.append(
            UnemploymentRegistration(
                worker=plan.worker,
                region_id=plan.worker.hukou_county_id or "",
                basis=UnemploymentRegistration.Basis.HUKOU,
                status=UnemploymentRegistration.Status.ACCEPTED
                if accepted
                else UnemploymentRegistration.Status.SUBMITTED,
                submitted_at=world.now - timedelta(days=days),
                processed_by=world.staff if accepted else None,
                processed_at=world.now - timedelta(days=days - 2) if accepted else None,
            )
        )
    UnemploymentRegistration.objects.bulk_create(registrations)
    world.counts["unemployment registrations"] += len(registrations)


def _choices(world: World, plans: list[_Plan]) -> None:
    Skill.objects.bulk_create(
        [
            Skill(worker=plan.worker, occupation_id=occupation, years=years)
            for plan in plans
            for occupation, years in plan.skills.items()
        ],
        batch_size=BATCH,
    )
    DestinationChoice.objects.bulk_create(
        [
            DestinationChoice(worker=plan.worker, province_id=province, rank=rank)
            for plan in plans
            for rank, province in enumerate(plan.provinces, start=1)
            if province in world.regions
        ],
        batch_size=BATCH,
    )


def _placements(world: World, plans: list[_Plan]) -> None:
    """Past placements: a seat, an offer that went all the way to placed, for each worker placed in the past."""
    seats = Seat.objects.bulk_create(
        [Seat(posting_id=plan.post.id, number=plan.seat) for plan in plans if plan.post], batch_size=BATCH
    )
    offers = []
    for plan, seat in zip(plans, seats, strict=True):
        post, offered = plan.post, plan.offered_at
        if post is None or offered is None:
            raise ValueError("a placement needs a posting and an offer time")
        arrived = world.at(post.start, hour=world.rng.randint(8, 18))
        run = world.history_runs.get(offered.date().replace(day=1))
        offers.append(
            Offer(
                run_id=run,
                worker=plan.worker,
                posting_id=post.id,
                seat=seat,
                status=Offer.Status.PLACED,
                worker_score=round(world.rng.uniform(0.4, 0.95), 3),
                posting_score=round(world.rng.uniform(0.3, 0.9), 3),
                worker_reasons={"net_pay": post.expected},
                posting_reasons={"skill_years": plan.skills.get(post.occupation_id, 0)},
                created_at=offered,
                expires_at=offered + timedelta(hours=72),
                responded_at=offered + timedelta(hours=world.rng.randint(2, 48)),
                confirmed_at=offered + timedelta(hours=world.rng.randint(50, 70)),
                closed_at=arrived,
            )
        )
    Offer.objects.bulk_create(offers, batch_size=BATCH)
    world.counts["past placements (offers placed)"] += len(offers)


def _enrollments(world: World, plans: list[_Plan]) -> None:
    rng = world.rng
    enrollments = []
    for plan in plans:
        course = plan.course
        if course is None:
            raise ValueError("an enrolment needs a course")
        finished = plan.enrollment_status in ("completed", "failed")
        score = rng.randint(60, 98) if plan.enrollment_status == "completed" else rng.randint(30, 59)
        applied = max(plan.worker.created_at, world.at(course.starts_on - timedelta(days=rng.randint(5, 25))))
        enrollments.append(
            Enrollment(
                course_id=course.id,
                worker=plan.worker,
                status=plan.enrollment_status,
                created_at=applied,
                enrolled_at=applied + timedelta(days=1) if plan.enrollment_status != "waitlisted" else None,
                score=score if finished else None,
                finished_at=world.at(course.ends_on, hour=16) if finished else None,
            )
        )
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    world.counts["enrolments"] += len(enrollments)
    passed = [(plan, e) for plan, e in zip(plans, enrollments, strict=True) if e.status == "completed"]
    certified = [(plan, e) for plan, e in passed if plan.course and plan.course.level is not None]
    # A pass adds the trade to the profile, as training.services does.
    Skill.objects.bulk_create(
        [
            Skill(worker=plan.worker, occupation_id=plan.course.occupation_id, years=0)
            for plan, _e in passed
            if plan.course and plan.course.occupation_id not in plan.skills
        ]
    )
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                worker=plan.worker,
                name=plan.course.title[:100],
                occupation_id=plan.course.occupation_id,
                level=plan.course.level,
            )
            for plan, _e in certified
            if plan.course and plan.course.level is not None
        ]
    )
    TrainingCertificate.objects.bulk_create(
        [
            TrainingCertificate(
                enrollment=e,
                number=f"CF{e.finished_at:%Y}{e.pk:08d}",
                level=plan.course.level,
                issued_at=e.finished_at,
                profile_certificate=certificate,
            )
            for (plan, e), certificate in zip(certified, certificates, strict=True)
            if plan.course and plan.course.level is not None and e.finished_at
        ]
    )
    world.counts["certificates"] += len(certificates)


def history_runs_close(world: World) -> None:
    """Give each past monthly run the figures of the offers it made (every one of them ended in a placement)."""
    made = Offer.objects.filter(run__parameters__seeded=True).values("run_id").annotate(n=Count("pk"))
    for row in made:
        offers = row["n"]
        MatchRun.objects.filter(pk=row["run_id"]).update(
            offers_made=offers,
            offers_kept=offers,
            matched=offers,
            workers_considered=offers + world.rng.randint(offers // 3, offers + 1),
        )
