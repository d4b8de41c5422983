"""Demo data for `make run`: a small, believable bureau, loaded idempotently.

Each record is found by a natural key before it is created, so a second run
adds nothing. Later features extend `load()` with their own demo records.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc as uscc_code

from accounts.models import User
from console.roles import CLERK_GROUP, roles_sync
from jobs.models import Campaign, Employer, EmployerMember, JobPosting
from jobs.services import employers as employer_services
from jobs.services import postings as posting_services
from matching.models import Reservation
from reference.models import Occupation, Region
from training import services as training_services
from training.models import Course, Provider, ProviderMember
from workers.models import Worker
from workers.services import profile

DEMO_PASSWORD = "chunfeng-demo-2026"  # noqa: S105 - published demo credential, demo data only


@dataclass(frozen=True)
class DemoLogin:
    role: str
    how: str


def _user(*, username: str, role: str, phone: str | None = None, region: str | None = None, **extra) -> bool:
    if User.objects.filter(username=username).exists():
        return False
    user = User(username=username, role=role, home_region=Region.objects.filter(code=region).first(), **extra)
    if phone:
        user.set_phone(phone)
    if extra.get("is_staff"):
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    return True


@transaction.atomic
def load() -> int:
    """Create the demo records that are missing; returns how many were created."""
    created = [
        # A worker from Zhenxiong County, Yunnan: a large labour-sending county.
        _user(username="demo-worker", role=User.Role.WORKER, phone="13800138001", region="530627"),
        _user(username="demo-employer", role=User.Role.EMPLOYER, phone="13900139002", region="441900"),
        _user(username="demo-agent", role=User.Role.AGENT, phone="13700137003", region="530627"),
        _user(username="demo-provider", role=User.Role.PROVIDER, phone="13600136004", region="530627"),
        _user(
            username="demo-staff",
            role=User.Role.STAFF,
            region="530600",
            is_staff=True,
            first_name="春风",
            last_name="演示",
        ),
        # The Ministry's view: every region, for the dashboard's national figures.
        _user(username="demo-ministry", role=User.Role.STAFF, is_staff=True, nationwide=True),
    ]
    return sum(created) + _demo_staff_roles() + _demo_worker_profile() + _demo_employer() + _demo_training()


def _demo_staff_roles() -> int:
    """Both demo staff work as bureau clerks (the group migrate keeps in step with console.roles)."""
    roles_sync()
    clerks = Group.objects.get(name=CLERK_GROUP)
    missing = User.objects.filter(username__in=("demo-staff", "demo-ministry")).exclude(groups=clerks)
    clerks.user_set.add(*missing)
    return len(missing)


def _demo_worker_profile() -> int:
    """The demo worker has finished sign-up, through the same services a worker uses."""
    user = User.objects.get(username="demo-worker")
    if Worker.objects.filter(user=user, signup_step=Worker.SignupStep.DONE).exists():
        return 0
    zhenxiong = Region.objects.filter(code="530627").first()
    guangdong = Region.objects.filter(code="440000").first()
    trades = list(Occupation.objects.filter(code__in=["rebar_worker", "concrete_worker"]).order_by("code"))
    if zhenxiong is None or guangdong is None:
        return 0  # reference data not loaded: the profile needs real places
    worker, _created = Worker.objects.get_or_create(user=user)
    # A valid demo ID number of someone born in 1990 in Zhenxiong (check digit computed, not a real person's).
    profile.worker_identity_set(
        worker=worker, real_name="李春生", id_number="530627199003070010", consent_processing=True, consent_sharing=True
    )
    profile.worker_home_set(worker=worker, hukou_county=zhenxiong)
    start = timezone.localdate() + timedelta(days=14)
    profile.worker_work_set(
        worker=worker,
        skills=[(occupation, 4) for occupation in trades],
        certificates=[],
        education=Worker.Education.JUNIOR,
        languages="普通话, 云南话",
        destinations=Worker.Destinations.PROVINCES,
        provinces=[guangdong],
        min_monthly_wage=5000,
        available_from=start,
        available_to=start + timedelta(days=300),
        planned_return=date(start.year + 1, 1, 20),
    )
    profile.worker_signup_advance(worker=worker, completed=Worker.SignupStep.GROUP)
    profile.worker_poor_labourer_declare(worker=worker, declared=True)
    return 1


# A demo credit code with a correct check character (not a real company's).
DEMO_USCC = "91441900MA4W12345Q"
DEMO_JOBS = (
    # occupation, title, headcount, monthly pay, dormitory, meals
    ("electronics_assembler", "电子厂普工（包吃住，点对点接送）", 120, 5600, 100, 250),
    ("injection_moulder", "注塑工（两班倒）", 40, 6800, 100, 250),
    ("warehouse_keeper", "仓库管理员", 6, 5200, 0, 0),
    # The demo worker's own trade: the matcher offers it once the worker process runs.
    ("rebar_worker", "厂房扩建钢筋工（包住，点对点接送）", 15, 7000, 100, 250),
)


def _demo_employer() -> int:
    """A verified Dongguan factory with published jobs in the Spring Breeze campaign."""
    if Employer.objects.filter(uscc=DEMO_USCC).exists():
        return 0
    dongguan = Region.objects.filter(code="441900").first()
    if dongguan is None:
        return 0  # reference data not loaded
    owner_user = User.objects.get(username="demo-employer")
    employer = employer_services.employer_register(
        user=owner_user,
        name="东莞长安精密电子有限公司",
        uscc=DEMO_USCC,
        region=dongguan,
        industry=Employer.Industry.MANUFACTURING,
        contact_name="陈经理",
        contact_phone="13900139002",
    )
    # The demo stands in for the Dongguan bureau's verification.
    Employer.objects.filter(pk=employer.pk).update(
        verification=Employer.Verification.VERIFIED, verified_at=timezone.now(), verification_note="demo"
    )
    owner = EmployerMember.objects.select_related("employer").get(employer=employer, user=owner_user)
    site = employer_services.site_add(
        member=owner, name="长安镇一号厂区", address="广东省东莞市长安镇振安中路1号", county=dongguan
    )
    today = timezone.localdate()
    campaign, _created = Campaign.objects.get_or_create(
        name="2027年春风行动",
        defaults={
            "kind": Campaign.Kind.SPRING_BREEZE,
            "starts_on": today,
            "ends_on": today + timedelta(days=100),
            "organiser": "人力资源和社会保障部",
            "description": "为农民工提供就业服务，帮助有意愿的农民工尽快返岗、就近就业。",
        },
    )
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[job[0] for job in DEMO_JOBS])}
    for code, title, headcount, pay, dormitory, meals in DEMO_JOBS:
        if code not in occupations:
            continue
        posting = posting_services.posting_save(
            member=owner,
            site=site,
            data={
                "occupation": occupations[code],
                "kind": JobPosting.Kind.REGULAR,
                "title": title,
                "headcount": headcount,
                "start_date": today + timedelta(days=21),
                "contract_months": 12,
                "wage_type": JobPosting.WageType.MONTHLY,
                "wage_rate": pay,
                "expected_monthly": pay,
                "deduction_dormitory": dormitory,
                "deduction_meals": meals,
                "housing_provided": True,
                "meals_provided": bool(meals),
                "transport": JobPosting.Transport.POINT_TO_POINT,
                "trainees_accepted": True,
                "training_offered": "岗前培训3天，带薪",
                "hours_per_day": 8,
                "days_per_week": 6,
                "safety_equipment": "工作服、防静电鞋、耳塞",
                "contact_name": "陈经理",
                "contact_phone": "13900139002",
            },
        )
        posting_services.posting_submit(member=owner, posting=posting)
        JobPosting.objects.filter(pk=posting.pk).update(campaign=campaign)
    return 1


def logins(url: str) -> list[DemoLogin]:
    console = url.rstrip("/") + "/console/"
    return [
        DemoLogin("worker", "phone 13800138001, then the one-time code printed in this terminal"),
        DemoLogin("employer", "phone 13900139002, then the one-time code printed in this terminal"),
        DemoLogin("village agent", "phone 13700137003, then the one-time code printed in this terminal"),
        DemoLogin("training provider", "phone 13600136004, then the one-time code printed in this terminal"),
        DemoLogin("bureau staff", f"{console} with user demo-staff, password {DEMO_PASSWORD}"),
        DemoLogin("ministry (all regions)", f"{console} with user demo-ministry, password {DEMO_PASSWORD}"),
    ]


# A demo credit code of a public institution (12…) with a correct check character (not a real school's).
_PROVIDER_CODE_BODY = "12530627MB0000001"
DEMO_PROVIDER_USCC = _PROVIDER_CODE_BODY + uscc_code.calc_check_digit(_PROVIDER_CODE_BODY)


def _demo_training() -> int:
    """A verified county school with an order-based course whose graduates the demo factory keeps places for."""
    if Provider.objects.filter(uscc=DEMO_PROVIDER_USCC).exists():
        return 0
    zhenxiong = Region.objects.filter(code="530627").first()
    moulder = Occupation.objects.filter(code="injection_moulder").first()
    posting = JobPosting.objects.filter(employer__uscc=DEMO_USCC, occupation=moulder).first()
    if zhenxiong is None or moulder is None:
        return 0  # reference data not loaded
    provider = training_services.provider_register(
        user=User.objects.get(username="demo-provider"),
        name="镇雄县职业技术学校",
        kind=Provider.Kind.SCHOOL,
        uscc=DEMO_PROVIDER_USCC,
        region=zhenxiong,
        address="云南省昭通市镇雄县乌峰街道",
        contact_name="王老师",
        contact_phone="13600136004",
    )
    # The demo stands in for the Zhenxiong bureau's verification.
    Provider.objects.filter(pk=provider.pk).update(
        verification=Provider.Verification.VERIFIED, verified_at=timezone.now()
    )
    member = ProviderMember.objects.select_related("provider").get(provider=provider)
    start = timezone.localdate() + timedelta(days=7)
    course = training_services.course_save(
        member=member,
        course=None,
        data={
            "title": "注塑工订单班（结业推荐东莞就业）",
            "type": Course.Type.TARGETED,
            "occupation": moulder,
            "certificate_level": 5,
            "format": Course.Format.IN_PERSON,
            "county": zhenxiong,
            "venue": "镇雄县职业技术学校实训楼",
            "hours": 80,
            "starts_on": start,
            "ends_on": start + timedelta(days=12),
            "capacity": 30,
            "fee": 1200,
            "subsidy": 1200,
            "living_allowance": True,
            "description": "免费参加，建档立卡脱贫劳动力另有生活费补贴。结业考核合格颁发初级工证书。",
        },
    )
    training_services.course_publish(member=member, course=course)
    if posting is not None:
        Reservation.objects.get_or_create(course=course, posting=posting, defaults={"seats": 10})
    return 1
