"""Campaigns, employers with their sites and postings (past and open), training providers and courses."""

from datetime import timedelta
from decimal import Decimal

from stdnum.cn import uscc

from accounts.models import User
from console.seeding import places
from console.seeding.base import (
    BATCH,
    HISTORY_DAYS,
    PREFIX,
    CourseRow,
    Post,
    World,
    phone,
    spring_window,
    user_row,
    with_check,
)
from jobs.models import Campaign, Employer, EmployerMember, JobPosting, Site
from training.models import Course, Provider, ProviderMember

# Campaigns -----------------------------------------------------------------------------------------------------


def campaigns_create(world: World) -> None:
    # Last spring's action (its postings started in February and March) and an autumn job fair; the coming
    # spring's action is the demo's own (console.demo), found by name.
    year = world.today.year if spring_window(world.today.year)[1] < world.today else world.today.year - 1
    starts, ends = spring_window(year)
    world.spring_past = Campaign.objects.get_or_create(
        name=f"{year}年春风行动",
        defaults={
            "kind": Campaign.Kind.SPRING_BREEZE,
            "starts_on": starts,
            "ends_on": ends,
            "organiser": "人力资源和社会保障部",
            "description": "春节前后集中开展的农民工就业服务专项活动。",
        },
    )[0]
    world.spring_now = Campaign.objects.get_or_create(
        name=f"{world.today.year + 1}年春风行动",
        defaults={
            "kind": Campaign.Kind.SPRING_BREEZE,
            "starts_on": world.today,
            "ends_on": world.today + timedelta(days=100),
            "organiser": "人力资源和社会保障部",
            "description": "为农民工提供就业服务，帮助有意愿的农民工尽快返岗、就近就业。",
        },
    )[0]
    fair_day = world.today - timedelta(days=60)
    world.fair = Campaign.objects.get_or_create(
        name=f"{fair_day.year}年秋季劳务协作招聘大集",
        defaults={
            "kind": Campaign.Kind.JOB_FAIR,
            "starts_on": fair_day,
            "ends_on": fair_day + timedelta(days=1),
            "organiser": "昭通市人力资源和社会保障局",
            "venue": "昭通市人力资源市场",
            "booths": 120,
        },
    )[0]


# Employers and postings ----------------------------------------------------------------------------------------


def employers_create(world: World, workers: int) -> None:
    rng = world.rng
    receiving = {code: weight for code, (_name, weight) in places.RECEIVING_COUNTIES.items() if code in world.regions}
    sending = {code: weight for code, weight in places.SENDING_COUNTIES.items() if code in world.regions}
    n_employers = max(8, workers // 50)
    users = User.objects.bulk_create(
        [
            user_row(f"{PREFIX}e{j}", User.Role.EMPLOYER, phone(8, j), world.now - timedelta(days=HISTORY_DAYS + 60))
            for j in range(n_employers)
        ],
        batch_size=BATCH,
    )
    employers = []
    for j, user in enumerate(users):
        local = j % 5 == 4
        county = world.pick(sending if local else receiving)
        words = rng.sample(places.COMPANY_WORDS, 2)
        if local:
            industry = rng.choice(["agriculture", "ecommerce", "construction", "other"])
            trade = rng.choice(["农业发展有限公司", "电子商务有限公司", "劳务专业合作社"])
            name = f"{world.regions[county].name_zh}{''.join(words)}{trade}"
        else:
            industry = rng.choice(["manufacturing", "manufacturing", "manufacturing", "construction", "logistics"])
            kind = rng.choice(places.COMPANY_KINDS[industry])
            name = f"{places.RECEIVING_COUNTIES[county][0]}{''.join(words)}{kind}有限公司"
        verified = j % 20 != 19
        employer = Employer(
            name=name[:128],
            uscc=with_check(f"91{county}MA7{j:06d}", uscc.calc_check_digit),
            region_id=county,
            industry=industry,
            contact_name=rng.choice(places.SURNAMES) + rng.choice(["经理", "主管", "女士", "先生"]),
            contact_phone_encrypted=user.phone,
            verification=Employer.Verification.VERIFIED if verified else Employer.Verification.PENDING,
            verified_by=world.staff if verified else None,
            verified_at=user.date_joined + timedelta(days=2) if verified else None,
            verification_note="材料齐全，核验通过" if verified else "",
            created_at=user.date_joined,
        )
        employers.append(employer)
    Employer.objects.bulk_create(employers, batch_size=BATCH)
    world.owners = {employer.pk: user.pk for employer, user in zip(employers, users, strict=True)}
    EmployerMember.objects.bulk_create(
        [
            EmployerMember(employer=e, user=u, role=EmployerMember.Role.OWNER)
            for e, u in zip(employers, users, strict=True)
        ],
        batch_size=BATCH,
    )
    sites = Site.objects.bulk_create(
        [
            Site(
                employer=e,
                name=rng.choice(["一号", "二号", "东区", "南区", "总部"])
                + ("基地" if e.region_id in sending else "厂区"),
                address=f"{world.regions[e.region_id].name_zh}{rng.choice(places.COMPANY_WORDS)}路"
                f"{rng.randint(1, 300)}号",
                county_id=e.region_id,
            )
            for e in employers
        ],
        batch_size=BATCH,
    )
    world.counts["employers"] = len(employers)
    ready = [site for site in sites if site.employer.is_verified]
    pending = [site for site in sites if not site.employer.is_verified]
    n_postings = max(30, workers // 10)
    batch: list[JobPosting] = []
    for k in range(n_postings):
        # Every 25th posting is an unverified employer's, waiting for the bureau.
        site = pending[k % len(pending)] if pending and k % 25 == 0 else ready[k % len(ready)]
        batch.append(_posting(world, site, past=rng.random() < 0.4 and site.employer.is_verified, local_codes=sending))
        if len(batch) >= BATCH:
            _save_postings(world, batch)
            batch = []
    _save_postings(world, batch)


def _posting(world: World, site: Site, *, past: bool, local_codes: dict[str, int]) -> JobPosting:
    rng = world.rng
    employer = site.employer
    local = site.county_id in local_codes
    if local:
        kind, occupation, title = rng.choice(places.LOCAL_TRADES)
        headcount = rng.choice([5, 8, 10, 12, 20])
        expected = max(world.minimum.get(site.county_id, 0) + 300, rng.randrange(2400, 4300, 100))
        dormitory = meals = 0
        transport = JobPosting.Transport.NONE
        months = rng.choice([3, 6, 12])
    else:
        trades = [code for code, (industry, _t) in places.MIGRANT_TRADES.items() if industry == employer.industry]
        occupation = rng.choice(trades or list(places.MIGRANT_TRADES))
        kind, title = JobPosting.Kind.REGULAR, places.MIGRANT_TRADES[occupation][1]
        headcount = rng.choice([5, 8, 10, 15, 20, 20, 30, 40, 60])
        expected = max(world.minimum.get(site.county_id, 0) + 800, rng.randrange(4500, 8500, 100))
        dormitory, meals = rng.choice([0, 100, 150]), rng.choice([0, 200, 300])
        transport = rng.choices(list(JobPosting.Transport), weights=[7, 2, 1])[0]
        months = rng.choice([6, 9, 12])
        title += "（包吃住）" if dormitory and meals else ""
        title += "（点对点接送）" if transport == JobPosting.Transport.POINT_TO_POINT else ""
    if past:
        spring = spring_window(
            world.today.year if spring_window(world.today.year)[1] < world.today else world.today.year - 1
        )
        if rng.random() < 0.35:
            start = spring[0] + timedelta(days=16 + rng.randrange((spring[1] - spring[0]).days - 16))
        else:
            start = world.today - timedelta(days=rng.randint(20, HISTORY_DAYS))
        published = world.at(start - timedelta(days=rng.randint(15, 45)))
        campaign = world.spring_past if spring[0] <= start <= spring[1] + timedelta(days=10) else None
        status = JobPosting.Status.CLOSED
    else:
        # Factories take new hands on a few fixed days, which lets a vehicle carry a site's whole intake.
        start = world.today + timedelta(days=3 + 7 * (0 if rng.random() < 0.1 else rng.randint(1, 6)))
        published = world.now - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 12))
        campaign = world.spring_now if rng.random() < 0.7 else (world.fair if rng.random() < 0.3 else None)
        status = (
            JobPosting.Status.PUBLISHED if employer.is_verified and rng.random() > 0.03 else JobPosting.Status.SUBMITTED
        )
    published_ok = status != JobPosting.Status.SUBMITTED
    return JobPosting(
        employer=employer,
        site=site,
        county_id=site.county_id,
        occupation_id=world.occupations[occupation],
        campaign=campaign,
        kind=kind,
        title=title,
        headcount=headcount,
        start_date=start,
        contract_months=months,
        wage_type=JobPosting.WageType.MONTHLY,
        wage_rate=Decimal(expected),
        expected_monthly=expected,
        overtime_rules="加班按劳动法1.5倍/2倍/3倍计发" if not local else "",
        probation_months=rng.choice([0, 1, 2]),
        deduction_dormitory=dormitory,
        deduction_meals=meals,
        housing_provided=bool(dormitory) or rng.random() < 0.3,
        meals_provided=bool(meals),
        transport=transport,
        transport_subsidy=rng.choice([200, 300, 500]) if transport == JobPosting.Transport.SUBSIDY else 0,
        trainees_accepted=rng.random() < 0.3,
        training_offered="岗前培训3天，带薪" if not local else "",
        hours_per_day=Decimal(rng.choice([8, 8, 10])),
        days_per_week=rng.choice([5, 6, 6]),
        safety_equipment="工作服、劳保鞋" if not local else "",
        contact_name=employer.contact_name,
        contact_phone_encrypted=employer.contact_phone,
        status=status,
        created_by_id=world.owners[employer.pk],
        created_at=published - timedelta(days=1),
        submitted_at=published - timedelta(hours=2),
        published_at=published if published_ok else None,
        approved_by=world.staff if published_ok else None,
        expires_on=start,
        closed_at=world.at(start + timedelta(days=10)) if past else None,
    )


def _save_postings(world: World, postings: list[JobPosting]) -> None:
    JobPosting.objects.bulk_create(postings, batch_size=BATCH)
    world.counts["postings"] += len(postings)
    for posting in postings:
        if posting.status != JobPosting.Status.CLOSED:
            world.counts["postings open now"] += posting.status == JobPosting.Status.PUBLISHED
            continue
        local = posting.county_id in places.SENDING_COUNTIES
        row = Post(
            id=posting.pk,
            occupation_id=posting.occupation_id,
            site_id=posting.site_id,
            employer_id=posting.employer_id,
            county=posting.county_id,
            start=posting.start_date,
            headcount=posting.headcount,
            expected=posting.expected_monthly,
            contract_months=posting.contract_months,
            local=local,
        )
        if local:
            world.past_local[posting.county_id[:4]].append(row)
        else:
            world.past_migrant.append(row)


def past_postings_close(world: World) -> None:
    """Past postings end filled, or closed with the places they filled."""
    rows = [*world.past_migrant, *(row for rows in world.past_local.values() for row in rows)]
    updates = [
        JobPosting(
            pk=row.id,
            filled_count=row.filled,
            status=JobPosting.Status.FILLED if row.filled >= row.headcount else JobPosting.Status.CLOSED,
        )
        for row in rows
    ]
    JobPosting.objects.bulk_update(updates, ["filled_count", "status"], batch_size=BATCH)


# Training ------------------------------------------------------------------------------------------------------


def courses_create(world: World) -> None:
    rng = world.rng
    prefectures: dict[str, str] = {}
    for code in places.SENDING_COUNTIES:
        if code in world.regions:
            prefectures.setdefault(code[:4], code)
    users = User.objects.bulk_create(
        [
            user_row(f"{PREFIX}p{j}", User.Role.PROVIDER, phone(7, j), world.now - timedelta(days=HISTORY_DAYS + 90))
            for j in range(len(prefectures))
        ]
    )
    providers = []
    for j, (user, county) in enumerate(zip(users, prefectures.values(), strict=True)):
        region = world.regions[county]
        providers.append(
            Provider(
                name=f"{region.name_zh}职业技术学校"
                if j % 3
                else f"{region.name_zh}{rng.choice('华众德')}职业培训学校",
                kind=Provider.Kind.SCHOOL,
                uscc=with_check(f"12{county}MB7{j:06d}", uscc.calc_check_digit),
                region=region,
                address=f"{region.name_zh}城关镇{rng.randint(1, 99)}号",
                contact_name=rng.choice(places.SURNAMES) + "老师",
                contact_phone_encrypted=user.phone,
                verification=Provider.Verification.VERIFIED,
                verified_by=world.staff,
                verified_at=user.date_joined + timedelta(days=3),
                created_at=user.date_joined,
            )
        )
    Provider.objects.bulk_create(providers)
    ProviderMember.objects.bulk_create(
        [ProviderMember(provider=p, user=u) for p, u in zip(providers, users, strict=True)]
    )
    courses = []
    for provider in providers:
        for course_type, subjects in places.COURSE_SUBJECTS.items():
            for past in (True, False):
                code = rng.choice([s for s in subjects if s in world.occupations])
                starts = world.today + (
                    -timedelta(days=rng.randint(40, HISTORY_DAYS)) if past else timedelta(days=rng.randint(3, 30))
                )
                level = None if course_type == Course.Type.ENTREPRENEURSHIP else (4 if course_type == "upgrade" else 5)
                course = Course(
                    provider=provider,
                    title=world.occupation_names[world.occupations[code]] + _COURSE_SUFFIX[course_type],
                    type=course_type,
                    occupation_id=world.occupations[code],
                    certificate_level=level,
                    format=Course.Format.ONLINE if course_type == "entrepreneurship" else Course.Format.IN_PERSON,
                    county=provider.region,
                    venue=f"{provider.name}实训楼",
                    hours=rng.choice([40, 56, 80, 120]),
                    starts_on=starts,
                    ends_on=starts + timedelta(days=rng.randint(7, 20)),
                    capacity=40,
                    fee=rng.choice([800, 1200, 1600]),
                    subsidy=rng.choice([800, 1200, 1600]),
                    living_allowance=True,
                    status=Course.Status.CLOSED if past else Course.Status.PUBLISHED,
                    created_at=world.at(starts - timedelta(days=30)),
                )
                courses.append(course)
    Course.objects.bulk_create(courses)
    for course in courses:
        world.courses[(course.county_id or "")[:4]].append(
            CourseRow(
                course.pk,
                course.occupation_id,
                course.title,
                course.certificate_level,
                course.starts_on,
                course.ends_on,
                course.status == Course.Status.CLOSED,
            )
        )
    world.counts["training providers"] = len(providers)
    world.counts["courses"] = len(courses)


_COURSE_SUFFIX = {
    "upgrade": "技能提升培训班",
    "targeted": "订单式定向培训班",
    "urgent": "紧缺工种培训班",
    "conversion": "转岗培训班",
    "entrepreneurship": "创业培训（SYB）",
}
