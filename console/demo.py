"""Demo data for `make run`: a small, believable bureau, loaded idempotently.

Each record is found by a natural key before it is created, so a second run
adds nothing. Later features extend `load()` with their own demo records.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reference.models import Occupation, Region
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
        _user(
            username="demo-staff",
            role=User.Role.STAFF,
            region="530600",
            is_staff=True,
            first_name="春风",
            last_name="演示",
        ),
    ]
    return sum(created) + _demo_worker_profile()


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


def logins(url: str) -> list[DemoLogin]:
    console = url.rstrip("/") + "/console/"
    return [
        DemoLogin("worker", "phone 13800138001, then the one-time code printed in this terminal"),
        DemoLogin("employer", "phone 13900139002, then the one-time code printed in this terminal"),
        DemoLogin("village agent", "phone 13700137003, then the one-time code printed in this terminal"),
        DemoLogin("bureau staff", f"{console} with user demo-staff, password {DEMO_PASSWORD}"),
    ]
