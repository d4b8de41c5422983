"""Rights statistics: cases filed, money recovered, workers helped and days to resolution, by period and region.

A case counts as filed in the month of its filing, its recovery in the month
of `recovered_on`, and its resolution on the first step to recovered,
arbitration or closed. A region keeps the cases whose sending or receiving
county lies in it, as the console's case list shows them
(`rights.selectors.cases_visible_to`). Open and overdue are counted now,
whatever the period.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, DecimalField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from reference.codes import scope_prefix
from reference.models import Region
from rights.models import Case, CaseEvent

Status = Case.Status
RESOLVED = (Status.RECOVERED, Status.ARBITRATION, Status.CLOSED)
_ZERO = Decimal("0")
_FEN = Decimal("0.01")
_SECONDS_A_DAY = 86400


@dataclass(frozen=True)
class KindRow:
    """Cases of one kind filed in the period, and what cases of that kind recovered in it."""

    key: str
    label: str
    filed: int = 0
    recovered: Decimal = _ZERO
    workers_helped: int = 0


@dataclass(frozen=True)
class RightsRow:
    """Figures for a group of cases; `open_now` and `overdue_now` are None where they mean nothing (a month)."""

    key: str
    label: str
    filed: int = 0
    wage_claims: int = 0
    claimed: Decimal = _ZERO
    recovered: Decimal = _ZERO
    workers_helped: int = 0
    resolved: int = 0
    median_days: float | None = None
    open_now: int | None = None
    overdue_now: int | None = None


@dataclass(frozen=True)
class MonthRow(RightsRow):
    month: date | None = None


@dataclass(frozen=True)
class RightsStatistics:
    start: date
    end: date
    region_code: str | None
    total: RightsRow
    by_kind: tuple[KindRow, ...] = ()
    by_month: tuple[MonthRow, ...] = ()
    by_sending: tuple[RightsRow, ...] = ()
    by_receiving: tuple[RightsRow, ...] = ()


def _in_region(region_code: str | None) -> QuerySet[Case]:
    cases = Case.objects.all()
    if region_code:
        prefix = scope_prefix(region_code)
        cases = cases.filter(Q(sending_region__code__startswith=prefix) | Q(receiving_region__code__startswith=prefix))
    return cases


def _filed(start: date, end: date) -> Q:
    return Q(created_at__date__gte=start, created_at__date__lte=end)


def _recovered(start: date, end: date) -> Q:
    return Q(recovered_on__gte=start, recovered_on__lte=end) & ~Q(recovery="")


def _yuan(value: Decimal | None) -> Decimal:
    """An amount to the fen, whatever scale the database gave it."""
    return Decimal(value or 0).quantize(_FEN)


def _money(expression: Any) -> Coalesce:
    return Coalesce(expression, Value(_ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


def _figures(start: date, end: date, now: datetime) -> dict[str, Any]:
    """Conditional aggregates for a group of cases: one query gives every figure but the median."""
    filed, recovered = _filed(start, end), _recovered(start, end)
    wages = filed & Q(kind=Case.Kind.WAGES)
    is_open = Q(status__in=Case.OPEN)
    return {
        "n_filed": Count("pk", filter=filed),
        "n_wage_claims": Count("pk", filter=wages),
        "n_claimed": _money(Sum("amount_claimed", filter=wages)),
        "n_recovered": _money(Sum("recovered_amount", filter=recovered)),
        "n_helped": Count("worker_id", filter=recovered, distinct=True),
        "n_open": Count("pk", filter=is_open),
        "n_overdue": Count("pk", filter=is_open & Q(stage_due__lt=now)),
    }


def _province(lookup: str) -> Concat:
    return Concat(Substr(lookup, 1, 2), Value("0000"), output_field=CharField())


def _median_days(durations: list[float]) -> float | None:
    return round(statistics.median(durations), 1) if durations else None


def _row(key: str, label: str, row: Mapping[str, Any], durations: list[float], *, now_figures: bool) -> dict:
    return {
        "key": key,
        "label": label,
        "filed": row.get("n_filed", 0),
        "wage_claims": row.get("n_wage_claims", 0),
        "claimed": _yuan(row.get("n_claimed")),
        "recovered": _yuan(row.get("n_recovered")),
        "workers_helped": row.get("n_helped", 0),
        "resolved": len(durations),
        "median_days": _median_days(durations),
        "open_now": row.get("n_open", 0) if now_figures else None,
        "overdue_now": row.get("n_overdue", 0) if now_figures else None,
    }


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _first_of_month(moment: date | datetime) -> date:
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    return day.replace(day=1)


@dataclass(frozen=True)
class _Resolution:
    month: date
    sending: str
    receiving: str
    days: float


def _resolutions(cases: QuerySet[Case], start: date, end: date) -> list[_Resolution]:
    """Cases resolved in the period: the first step to a resolving status, and the days since filing."""
    first_resolution = (
        CaseEvent.objects.filter(case_id=OuterRef("pk"), kind=CaseEvent.Kind.STATUS, status_to__in=RESOLVED)
        .order_by()
        .values("case_id")
        .annotate(first=Min("at"))
        .values("first")
    )
    rows = (
        cases.annotate(resolved_at=Subquery(first_resolution))
        .filter(resolved_at__date__gte=start, resolved_at__date__lte=end)
        .values_list("created_at", "resolved_at", "sending_region_id", "receiving_region_id")
    )
    return [
        _Resolution(
            month=_first_of_month(resolved_at),
            sending=sending[:2] + "0000",
            receiving=receiving[:2] + "0000",
            days=max((resolved_at - filed_at).total_seconds(), 0) / _SECONDS_A_DAY,
        )
        for filed_at, resolved_at, sending, receiving in rows
    ]


def _grouped(resolutions: Iterable[_Resolution], attribute: str) -> defaultdict[Any, list[float]]:
    groups: defaultdict[Any, list[float]] = defaultdict(list)
    for resolution in resolutions:
        groups[getattr(resolution, attribute)].append(resolution.days)
    return groups


def _province_names(codes: set[str]) -> dict[str, str]:
    return {code: str(region.name) for code, region in Region.objects.in_bulk(list(codes)).items()}


def rights_statistics(*, start: date, end: date, region_code: str | None) -> RightsStatistics:
    """Cases filed (by kind), wage claims and the amount claimed, money recovered and workers helped, cases
    resolved and their median days from filing, in start..end (both included); open and overdue now. In total,
    per month and per sending and receiving province; `region_code` None is national.
    """
    now = timezone.now()
    cases = _in_region(region_code).order_by()
    # Only cases that can count: filed or recovered in the period, or open now (resolutions are read apart).
    relevant = cases.filter(_filed(start, end) | _recovered(start, end) | Q(status__in=Case.OPEN))
    figures = _figures(start, end, now)
    total = relevant.aggregate(**figures)
    resolutions = _resolutions(cases, start, end)

    filed, recovered = _filed(start, end), _recovered(start, end)
    kinds: dict[str, Mapping[str, Any]] = {
        row["kind"]: row
        for row in relevant.values("kind").annotate(
            n_filed=Count("pk", filter=filed),
            n_recovered=_money(Sum("recovered_amount", filter=recovered)),
            n_helped=Count("worker_id", filter=recovered, distinct=True),
        )
    }
    by_kind = tuple(
        KindRow(
            key=kind.value,
            label=str(kind.label),
            filed=kinds.get(kind.value, {}).get("n_filed", 0),
            recovered=_yuan(kinds.get(kind.value, {}).get("n_recovered")),
            workers_helped=kinds.get(kind.value, {}).get("n_helped", 0),
        )
        for kind in Case.Kind
    )

    # Filing and recovery fall in different months of the same case: one grouped query for each.
    filed_months = {
        _first_of_month(row["month"]): row
        for row in cases.filter(filed)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n_filed=figures["n_filed"], n_wage_claims=figures["n_wage_claims"], n_claimed=figures["n_claimed"])
    }
    recovered_months = {
        _first_of_month(row["month"]): row
        for row in cases.filter(recovered)
        .annotate(month=TruncMonth("recovered_on"))
        .values("month")
        .annotate(n_recovered=figures["n_recovered"], n_helped=figures["n_helped"])
    }
    month_days = _grouped(resolutions, "month")
    by_month: list[MonthRow] = []
    active = set(filed_months) | set(recovered_months) | set(month_days)
    if active:
        # Quiet months between the first and the last stay in, as noughts.
        for month in _months_between(min(active), max(active)):
            key = f"{month:%Y-%m}"
            row = {**filed_months.get(month, {}), **recovered_months.get(month, {})}
            by_month.append(MonthRow(**_row(key, key, row, month_days.get(month, []), now_figures=False), month=month))

    def province_rows(side: str, lookup: str) -> list[tuple[str, Mapping[str, Any], list[float]]]:
        grouped = {
            row["province"]: row
            for row in relevant.annotate(province=_province(lookup)).values("province").annotate(**figures)
        }
        days = _grouped(resolutions, side)
        return [(code, grouped.get(code, {}), days.get(code, [])) for code in sorted(set(grouped) | set(days))]

    sending = province_rows("sending", "sending_region_id")
    receiving = province_rows("receiving", "receiving_region_id")
    names = _province_names({code for code, _row, _days in (*sending, *receiving)})

    def region_rows(rows: list[tuple[str, Mapping[str, Any], list[float]]]) -> tuple[RightsRow, ...]:
        return tuple(
            RightsRow(**_row(code, names.get(code, code), row, days, now_figures=True)) for code, row, days in rows
        )

    return RightsStatistics(
        start=start,
        end=end,
        region_code=region_code,
        total=RightsRow(**_row("", gettext("All"), total, [r.days for r in resolutions], now_figures=True)),
        by_kind=by_kind,
        by_month=tuple(by_month),
        by_sending=region_rows(sending),
        by_receiving=region_rows(receiving),
    )


def wages_recovered(*, start: date, end: date, region_code: str | None) -> tuple[Decimal, int]:
    """Unpaid wages recovered in start..end (both included) and for how many workers: the console's figure.

    Only wage claims count (not what a dispute recovered); a recovery counts on its `recovered_on` day.
    """
    row = (
        _in_region(region_code)
        .filter(_recovered(start, end), kind=Case.Kind.WAGES)
        .aggregate(amount=_money(Sum("recovered_amount")), workers=Count("worker_id", distinct=True))
    )
    return _yuan(row["amount"]), row["workers"]
