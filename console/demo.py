"""Demo data for `make run`: a small, believable bureau, loaded idempotently.

Each record is found by a natural key before it is created, so a second run
adds nothing. Later features extend `load()` with their own demo records.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from reference.models import Region

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
    return sum(created)


def logins(url: str) -> list[DemoLogin]:
    console = url.rstrip("/") + "/console/"
    return [
        DemoLogin("worker", "phone 13800138001, then the one-time code printed in this terminal"),
        DemoLogin("employer", "phone 13900139002, then the one-time code printed in this terminal"),
        DemoLogin("village agent", "phone 13700137003, then the one-time code printed in this terminal"),
        DemoLogin("bureau staff", f"{console} with user demo-staff, password {DEMO_PASSWORD}"),
    ]
