"""Shared pieces of the dashboard's figures: periods as datetimes, the region filter, shapes of results."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from reference.codes import scope_prefix
from reference.models import Region

# Periods ---------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; a month's last day maps to the earlier month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if at_month_end else min(day.day, last))


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def until(end: date) -> datetime:
    """The first moment after the day `end`: datetimes compare against it, so indexes still serve."""
    return day_start(end + timedelta(days=1))


def within(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": day_start(start), f"{field}__lt": until(end)})


def home_in(region_code: str | None, worker: str = "") -> Q:
    """Workers whose home county lies in the region (everyone when None)."""
    if not region_code:
        return Q()
    prefix = scope_prefix(region_code)
    if len(prefix) == 6:
        # A county: equality lets the (status, hukou_county) index serve.
        return Q(**{f"{worker}hukou_county_id": prefix})
    return Q(**{f"{worker}hukou_county__code__startswith": prefix})


def province_of(lookup: str) -> Concat:
    return Concat(Substr(lookup, 1, 2), Value("0000"), output_field=CharField())


def province_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return {code: str(region.name) for code, region in Region.objects.in_bulk(list(codes)).items()}


# Shared shapes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A figure now and at an earlier point, with the difference; `percent` is None when the earlier was 0."""

    current: int
    previous: int

    @property
    def difference(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        if not self.previous:
            return None
        return round(100 * self.difference / self.previous, 1)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a key (code or choice value), its label and a count."""

    key: str
    label: str
    count: int
