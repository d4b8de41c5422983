"""Rights statistics on a hand-built set of cases with known answers: filed, claimed, recovered, workers helped,
median days to resolution, open and overdue; per month, province and region; the console page and its CSV."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reference.models import Region
from rights.models import Case, CaseEvent
from rights.statistics import rights_statistics, wages_recovered
from tests.accounts.factories import StaffFactory, county
from tests.rights.factories import case_for, placed

pytestmark = pytest.mark.django_db

ZHENXIONG, NANBU, DONGGUAN, KUNMING = "530627", "511321", "441900", "530102"
START, END = date(2026, 3, 1), date(2026, 4, 30)
STATISTICS = reverse("admin:rights_case_statistics")
Status = Case.Status


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=timezone.get_current_timezone())


def _case(offer, *, sending: str, receiving: str, filed: date, steps: tuple[tuple[str, date], ...] = (), **fields):
    """A case filed at 09:00 on `filed`, whose status steps each happen at 09:00 of their day."""
    case = case_for(
        offer,
        sending_region=county(sending),
        receiving_region=county(receiving),
        created_at=_at(filed),
        **fields,
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STATUS, status_to=Status.RECEIVED, at=_at(filed))
    previous = Status.RECEIVED
    for status, day in steps:
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.STATUS, status_from=previous, status_to=status, at=_at(day)
        )
        previous = status
    return case


@pytest.fixture
def dataset() -> dict[str, Case]:
    """Seven cases; in March and April 2026: 5 filed (3 wage claims, 10,200 yuan claimed), 8,000 yuan recovered for
    2 workers, 5 resolved after 3, 10, 20, 30 and 104 days (median 20); now 2 open, 1 overdue."""
    zhang, wang, li = placed(), placed(), placed()
    chen, zhao = placed(), placed()
    return {
        # Recovered in full after 10 days (closed later: the first resolution counts).
        "c1": _case(
            zhang,
            sending=ZHENXIONG,
            receiving=DONGGUAN,
            filed=date(2026, 3, 2),
            steps=((Status.RECOVERED, date(2026, 3, 12)), (Status.CLOSED, date(2026, 3, 25))),
            status=Status.CLOSED,
            amount_claimed=Decimal("5200"),
            recovery="full",
            recovered_amount=Decimal("5200"),
            recovered_on=date(2026, 3, 20),
        ),
        # From Sichuan: recovered in part after 30 days.
        "c2": _case(
            chen,
            sending=NANBU,
            receiving=DONGGUAN,
            filed=date(2026, 3, 10),
            steps=((Status.RECOVERED, date(2026, 4, 9)),),
            status=Status.RECOVERED,
            amount_claimed=Decimal("3000"),
            recovery="partial",
            recovered_amount=Decimal("1800"),
            recovered_on=date(2026, 4, 5),
        ),
        # An injury at a Kunming site, referred to arbitration after 20 days.
        "c3": _case(
            wang,
            sending=ZHENXIONG,
            receiving=KUNMING,
            filed=date(2026, 4, 1),
            steps=((Status.ARBITRATION, date(2026, 4, 21)),),
            kind=Case.Kind.INJURY,
            status=Status.ARBITRATION,
            amount_claimed=Decimal("0"),
        ),
        # A contract dispute from Sichuan, still investigated and overdue.
        "c4": _case(
            zhao,
            sending=NANBU,
            receiving=DONGGUAN,
            filed=date(2026, 4, 15),
            kind=Case.Kind.CONTRACT,
            status=Status.INVESTIGATING,
            stage_due=timezone.now() - timedelta(days=1),
            amount_claimed=Decimal("0"),
        ),
        # Filed in December, recovered in March for the worker of c1 (104 days).
        "c5": _case(
            zhang,
            sending=ZHENXIONG,
            receiving=DONGGUAN,
            filed=date(2025, 12, 1),
            steps=((Status.RECOVERED, date(2026, 3, 15)),),
            status=Status.RECOVERED,
            amount_claimed=Decimal("1000"),
            recovery="full",
            recovered_amount=Decimal("1000"),
            recovered_on=date(2026, 3, 15),
        ),
        # Filed in May: open now, not overdue, outside the period.
        "c6": _case(
            li,
            sending=ZHENXIONG,
            receiving=DONGGUAN,
            filed=date(2026, 5, 2),
            status=Status.RECEIVED,
            stage_due=timezone.now() + timedelta(days=3),
        ),
        # Closed without merit after 3 days.
        "c7": _case(
            li,
            sending=ZHENXIONG,
            receiving=DONGGUAN,
            filed=date(2026, 3, 5),
            steps=((Status.CLOSED, date(2026, 3, 8)),),
            status=Status.CLOSED,
            amount_claimed=Decimal("2000"),
        ),
    }


def _figures(row) -> tuple:
    return (
        row.key,
        row.filed,
        row.wage_claims,
        row.claimed,
        row.recovered,
        row.workers_helped,
        row.resolved,
        row.median_days,
        row.open_now,
        row.overdue_now,
    )


def test_the_totals_count_filings_recoveries_and_resolutions_in_the_period(dataset):
    stats = rights_statistics(start=START, end=END, region_code=None)

    assert _figures(stats.total) == ("", 5, 3, Decimal("10200"), Decimal("8000"), 2, 5, 20.0, 2, 1)


def test_cases_filed_break_down_by_kind_with_what_each_kind_recovered(dataset):
    stats = rights_statistics(start=START, end=END, region_code=None)

    assert [(row.key, row.filed, row.recovered, row.workers_helped) for row in stats.by_kind] == [
        ("wages", 3, Decimal("8000"), 2),
        ("contract", 1, Decimal("0"), 0),
        ("injury", 1, Decimal("0"), 0),
        ("dismissal", 0, Decimal("0"), 0),
    ]


def test_each_figure_falls_in_the_month_it_happened(dataset):
    stats = rights_statistics(start=START, end=END, region_code=None)

    assert [_figures(row) for row in stats.by_month] == [
        ("2026-03", 3, 3, Decimal("10200"), Decimal("6200"), 1, 3, 10.0, None, None),
        ("2026-04", 2, 0, Decimal("0"), Decimal("1800"), 1, 2, 25.0, None, None),
    ]
    assert [row.month for row in stats.by_month] == [date(2026, 3, 1), date(2026, 4, 1)]


def test_the_statistics_break_down_by_sending_province(dataset):
    stats = rights_statistics(start=START, end=END, region_code=None)

    assert [_figures(row) for row in stats.by_sending] == [
        ("510000", 2, 1, Decimal("3000"), Decimal("1800"), 1, 1, 30.0, 1, 1),
        ("530000", 3, 2, Decimal("7200"), Decimal("6200"), 1, 4, 15.0, 1, 0),
    ]
    assert stats.by_sending[1].label == Region.objects.get(code="530000").name


def test_the_statistics_break_down_by_receiving_province(dataset):
    stats = rights_statistics(start=START, end=END, region_code=None)

    assert [_figures(row) for row in stats.by_receiving] == [
        ("440000", 4, 3, Decimal("10200"), Decimal("8000"), 2, 4, 20.0, 2, 1),
        ("530000", 1, 0, Decimal("0"), Decimal("0"), 0, 1, 20.0, 0, 0),
    ]


def test_a_region_keeps_the_cases_of_its_workers_and_at_its_employers(dataset):
    zhenxiong = rights_statistics(start=START, end=END, region_code=ZHENXIONG)
    guangdong = rights_statistics(start=START, end=END, region_code="440000")

    assert _figures(zhenxiong.total) == ("", 3, 2, Decimal("7200"), Decimal("6200"), 1, 4, 15.0, 1, 0)
    assert [row.key for row in zhenxiong.by_sending] == ["530000"]
    assert [row.key for row in zhenxiong.by_receiving] == ["440000", "530000"]
    assert _figures(guangdong.total) == ("", 4, 3, Decimal("10200"), Decimal("8000"), 2, 4, 20.0, 2, 1)


def test_a_quiet_month_between_two_busy_ones_shows_as_noughts(dataset):
    Case.objects.filter(pk=dataset["c6"].pk).update(created_at=_at(date(2026, 6, 3)))

    stats = rights_statistics(start=START, end=date(2026, 6, 30), region_code=None)

    assert [(row.key, row.filed, row.resolved, row.median_days) for row in stats.by_month] == [
        ("2026-03", 3, 3, 10.0),
        ("2026-04", 2, 2, 25.0),
        ("2026-05", 0, 0, None),
        ("2026-06", 1, 0, None),
    ]


def test_no_cases_give_noughts_and_no_median():
    stats = rights_statistics(start=START, end=END, region_code=None)

    assert _figures(stats.total) == ("", 0, 0, Decimal("0"), Decimal("0"), 0, 0, None, 0, 0)
    assert stats.by_month == stats.by_sending == stats.by_receiving == ()


def test_the_statistics_take_a_few_queries_however_many_cases(dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        rights_statistics(start=START, end=END, region_code=ZHENXIONG)


def test_wages_recovered_gives_the_consoles_figure(dataset):
    assert wages_recovered(start=START, end=END, region_code=None) == (Decimal("8000"), 2)
    assert wages_recovered(start=START, end=END, region_code=NANBU) == (Decimal("1800"), 1)
    assert wages_recovered(start=date(2026, 3, 1), end=date(2026, 3, 31), region_code=None) == (Decimal("6200"), 1)


def test_wages_recovered_leaves_out_what_disputes_recovered(dataset):
    _case(
        placed(),
        sending=ZHENXIONG,
        receiving=DONGGUAN,
        filed=date(2026, 3, 20),
        steps=((Status.RECOVERED, date(2026, 4, 10)),),
        kind=Case.Kind.DISMISSAL,
        status=Status.RECOVERED,
        recovery="full",
        recovered_amount=Decimal("500"),
        recovered_on=date(2026, 4, 10),
    )

    assert wages_recovered(start=START, end=END, region_code=None) == (Decimal("8000"), 2)
    assert rights_statistics(start=START, end=END, region_code=None).total.recovered == Decimal("8500")


# The console page ----------------------------------------------------------------------------


def _staff(client, region: str | None = None, **fields):
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="rights", codename="view_case"))
    client.force_login(user)
    return user


def test_the_console_page_shows_a_county_clerk_only_their_regions_figures(client, dataset):
    _staff(client, ZHENXIONG)

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30"})

    assert response.status_code == 200
    assert response.context["stats"].total.filed == 3
    page = response.content.decode()
    province = Region.objects.get(code="440000").name
    assert f'<th scope="row">{province} (440000)</th><td>2</td><td>2</td><td>7200.00</td><td>6200.00</td>' in page
    assert '<th scope="row">2026-03</th><td>2</td><td>2</td><td>7200.00</td><td>6200.00</td><td>1</td>' in page
    assert 'aria-labelledby="sending-heading"' in page
    assert len(response.content) < 60_000


def test_nationwide_staff_see_every_case(client, dataset):
    _staff(client, nationwide=True)

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30"})

    assert response.context["stats"].total.recovered == Decimal("8000")


def test_the_console_page_defaults_to_this_year(client):
    _staff(client, nationwide=True)

    stats = client.get(STATISTICS).context["stats"]

    today = timezone.localdate()
    assert (stats.start, stats.end) == (date(today.year, 1, 1), date(today.year, 12, 31))


def test_staff_without_the_view_permission_or_a_region_get_403(client):
    client.force_login(StaffFactory(nationwide=True))
    assert client.get(STATISTICS).status_code == 403

    _staff(client)
    assert client.get(STATISTICS).status_code == 403


def test_the_period_cannot_end_before_it_starts(client):
    _staff(client, nationwide=True)

    response = client.get(STATISTICS, {"start": "2026-04-30", "end": "2026-03-01"})

    assert "The period cannot end before it starts." in response.content.decode()


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_every_table(client, dataset):
    _staff(client, nationwide=True)

    rows = _csv(client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30", "format": "csv"}))

    assert rows[0][:3] == ["table", "group", "cases filed"]
    assert ["total", "All", "5", "3", "10200.00", "8000.00", "2", "5", "20.0", "2", "1"] in rows
    assert ["month", "2026-04", "2", "0", "0.00", "1800.00", "1", "2", "25.0", "", ""] in rows
    assert ["kind", "Work injury", "1", "", "", "0.00", "0", "", "", "", ""] in rows
    assert {row[0] for row in rows[1:]} == {"total", "month", "sending province", "receiving province", "kind"}


def test_the_csv_cannot_run_a_formula(client, dataset):
    Region.objects.filter(code="510000").update(name_pinyin='=HYPERLINK("http://evil")', name_zh="=1+1")
    _staff(client, nationwide=True)

    rows = _csv(client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30", "format": "csv"}))

    labels = [row[1] for row in rows if row[0] == "sending province"]
    assert labels[0].startswith("'=")
    assert not any(cell.startswith("=") for row in rows for cell in row)
