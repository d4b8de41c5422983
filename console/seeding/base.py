"""What every part of the seed shares: sizes, the world being built, its report, small helpers."""

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dt_time

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from jobs.models import Campaign
from reference.models import Region
from workers.models import Worker

PREFIX = "seed-"
DEFAULT_SEED = 2026
HISTORY_DAYS = 540  # about 18 months: quarter-on-quarter and year-on-year both have data
BATCH = 2000
UNUSABLE_PASSWORD = "!seeded"  # noqa: S105 - starts with "!": Django treats it as unusable, like set_unusable_password()
PROVINCE_WEIGHTS = {"440000": 6, "330000": 2, "320000": 2, "350000": 1}


class SeedError(Exception):
    """The world cannot be built (reference data missing)."""


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: bool = False


@dataclass
class Post:
    """A past posting as the history loop needs it; `filled` counts placements written so far."""

    id: int
    occupation_id: int
    site_id: int
    employer_id: int
    county: str
    start: date
    headcount: int
    expected: int
    contract_months: int
    local: bool
    filled: int = 0


@dataclass
class CourseRow:
    id: int
    occupation_id: int
    title: str
    level: int | None
    starts_on: date
    ends_on: date
    past: bool


@dataclass
class World:
    rng: random.Random
    today: date
    now: datetime
    staff: User | None
    regions: dict[str, Region]
    occupations: dict[str, int]
    minimum: dict[str, int]
    past_migrant: list[Post] = field(default_factory=list)
    past_local: dict[str, list[Post]] = field(default_factory=lambda: defaultdict(list))
    courses: dict[str, list[CourseRow]] = field(default_factory=lambda: defaultdict(list))
    sequences: dict[tuple[str, date], int] = field(default_factory=dict)
    history_runs: dict[date, int] = field(default_factory=dict)
    owners: dict[int, int] = field(default_factory=dict)  # employer → owner user
    occupation_names: dict[int, str] = field(default_factory=dict)
    spring_past: Campaign | None = None
    spring_now: Campaign | None = None
    fair: Campaign | None = None
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def at(self, day: date, hour: int = 9) -> datetime:
        return timezone.make_aware(datetime.combine(day, dt_time(hour)))

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


def seeded_workers() -> int:
    return Worker.objects.filter(user__username__startswith=PREFIX).count()


def phone(kind: int, number: int) -> str:
    # A bijection of 0..10^9-1 spreads the numbers out; the prefix keeps kinds apart and away from the demo logins.
    return f"1{kind}{(number * 7919 + 123457) % 10**9:09d}"


def with_check(body: str, check: Callable[[str], str]) -> str:
    return body + check(body + "0")


@contextmanager
def timed(report: SeedReport, phase: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    report.seconds[phase] = round(time.perf_counter() - start, 2)


def user_row(username: str, role: str, phone: str, joined: datetime, region: str | None = None) -> User:
    user = User(username=username, role=role, password=UNUSABLE_PASSWORD, date_joined=joined, home_region_id=region)
    user.set_phone(phone)
    return user


def spring_window(year: int) -> tuple[date, date]:
    return date(year, 1, 20), date(year, 3, 31)


def seeded_offers() -> Q:
    return Q(worker__user__username__startswith=PREFIX)


def month_back(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)
