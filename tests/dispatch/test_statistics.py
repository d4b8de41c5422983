"""Transport statistics: workers carried, trips, seats and km in total, per month, origin and destination province,
scoped by region; the console page with its chart and a CSV a spreadsheet cannot run as formulas."""

import csv
import io
from datetime import date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from config.periods import PeriodForm
from dispatch.models import Passenger, Stop, Trip, VehicleType
from dispatch.statistics import transport_statistics, transported_workers
from reference.models import Region
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import PostingFactory, SiteFactory
from tests.matching.factories import OfferFactory

pytestmark = pytest.mark.django_db

ZHENXIONG, NANBU, DONGGUAN, YIDU = "530627", "511321", "441900", "420581"
START, END = date(2026, 3, 1), date(2026, 4, 30)
STATISTICS = reverse("admin:dispatch_trip_statistics")


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=timezone.get_current_timezone())


class Builder:
    """Trips built row by row: each stop lists how many riders boarded and how many did not."""

    def __init__(self) -> None:
        # The conftest's autouse `vehicles` fixture has made both types.
        self.coach = VehicleType.objects.get(seats=45)
        self.large = VehicleType.objects.get(seats=53)
        self.posting = PostingFactory()

    def trip(
        self, *, site_county: str, day: date, status: str, km: int, stops: list[tuple[str, int, int]], large=False
    ):
        site = SiteFactory(employer=self.posting.employer, county=county(site_county))
        trip = Trip.objects.create(
            site=site,
            travel_day=day,
            vehicle_type=self.large if large else self.coach,
            status=status,
            departure_at=_at(day),
            arrival_at=_at(day),
            km=km,
        )
        seat = 0
        for order, (code, boarded, not_boarded) in enumerate(stops, start=1):
            stop = Stop.objects.create(trip=trip, order=order, county=county(code), place="客运站", pickup_at=_at(day))
            for index in range(boarded + not_boarded):
                seat += 1
                Passenger.objects.create(
                    trip=trip,
                    stop=stop,
                    offer=OfferFactory(posting=self.posting),
                    seat=seat,
                    boarded_at=_at(day) if index < boarded else None,
                )
        return trip


@pytest.fixture
def dataset() -> None:
    """Carried in the period: 10 workers on 4 trips (188 seats, 4500 km); planned, cancelled and May trips not."""
    build = Builder()
    # Zhenxiong (2 boarded, 1 not) and Nanbu (1 boarded) to Dongguan, 45 seats.
    build.trip(
        site_county=DONGGUAN,
        day=date(2026, 3, 5),
        status="departed",
        km=1500,
        stops=[(ZHENXIONG, 2, 1), (NANBU, 1, 0)],
    )
    # Nanbu to Dongguan, 53 seats.
    build.trip(
        site_county=DONGGUAN, day=date(2026, 3, 10), status="arrived", km=1200, stops=[(NANBU, 4, 0)], large=True
    )
    build.trip(site_county=DONGGUAN, day=date(2026, 3, 12), status="planned", km=1500, stops=[(ZHENXIONG, 2, 0)])
    build.trip(site_county=DONGGUAN, day=date(2026, 3, 12), status="cancelled", km=1500, stops=[(ZHENXIONG, 1, 0)])
    build.trip(site_county=DONGGUAN, day=date(2026, 4, 2), status="arrived", km=1000, stops=[(ZHENXIONG, 1, 0)])
    # Nanbu to Yidu (Hubei): outside Yunnan at both ends.
    build.trip(site_county=YIDU, day=date(2026, 3, 20), status="departed", km=800, stops=[(NANBU, 2, 0)])
    build.trip(site_county=DONGGUAN, day=date(2026, 5, 1), status="departed", km=1500, stops=[(ZHENXIONG, 1, 0)])


def _figures(row) -> tuple:
    return (row.key, row.workers, row.trips, row.seats, row.km)


def test_the_totals_count_only_trips_that_set_off_in_the_period(dataset):
    stats = transport_statistics(start=START, end=END, region_code=None)

    assert (stats.total.workers, stats.total.trips, stats.total.seats, stats.total.km) == (10, 4, 188, 4500)
    assert stats.total.utilisation == pytest.approx(10 / 188)
    assert stats.total.utilisation_percent == 5


def test_the_statistics_break_down_by_month(dataset):
    stats = transport_statistics(start=START, end=END, region_code=None)

    assert [_figures(row) for row in stats.by_month] == [
        ("2026-03", 9, 3, 143, 3500),
        ("2026-04", 1, 1, 45, 1000),
    ]
    assert [row.month for row in stats.by_month] == [date(2026, 3, 1), date(2026, 4, 1)]


def test_the_statistics_break_down_by_destination_province(dataset):
    stats = transport_statistics(start=START, end=END, region_code=None)

    assert [_figures(row) for row in stats.by_destination] == [
        ("420000", 2, 1, 45, 800),
        ("440000", 8, 3, 143, 3700),
    ]
    assert stats.by_destination[1].label == Region.objects.get(code="440000").name


def test_the_origin_province_counts_riders_picked_up_there_and_each_trip_calling_there_once(dataset):
    stats = transport_statistics(start=START, end=END, region_code=None)

    assert [(row.key, row.workers, row.trips) for row in stats.by_origin] == [("510000", 7, 3), ("530000", 3, 2)]
    assert stats.by_origin[1].label == Region.objects.get(code="530000").name


def test_a_region_keeps_trips_picking_up_there_with_all_their_riders(dataset):
    stats = transport_statistics(start=START, end=END, region_code=ZHENXIONG)

    assert (stats.total.workers, stats.total.trips, stats.total.seats, stats.total.km) == (4, 2, 90, 2500)
    assert [_figures(row) for row in stats.by_month] == [("2026-03", 3, 1, 45, 1500), ("2026-04", 1, 1, 45, 1000)]
    assert [(row.key, row.workers, row.trips) for row in stats.by_origin] == [("510000", 1, 1), ("530000", 3, 2)]
    assert [_figures(row) for row in stats.by_destination] == [("440000", 4, 2, 90, 2500)]


def test_a_region_keeps_trips_to_a_site_there(dataset):
    stats = transport_statistics(start=START, end=END, region_code="440000")

    assert (stats.total.workers, stats.total.trips) == (8, 3)
    assert [row.key for row in stats.by_destination] == ["440000"]


def test_transported_workers_gives_the_consoles_figure(dataset):
    assert transported_workers(start=START, end=END, region_code=None) == 10
    assert transported_workers(start=START, end=END, region_code="530000") == 4
    assert transported_workers(start=date(2026, 5, 1), end=date(2026, 5, 31), region_code=None) == 1


def test_a_month_without_trips_between_two_with_trips_shows_as_nought():
    build = Builder()
    build.trip(site_county=DONGGUAN, day=date(2026, 3, 5), status="arrived", km=1500, stops=[(ZHENXIONG, 2, 0)])
    build.trip(site_county=DONGGUAN, day=date(2026, 5, 5), status="arrived", km=1500, stops=[(ZHENXIONG, 1, 0)])

    stats = transport_statistics(start=date(2026, 1, 1), end=date(2026, 12, 31), region_code=None)

    assert [(row.key, row.workers, row.trips) for row in stats.by_month] == [
        ("2026-03", 2, 1),
        ("2026-04", 0, 0),
        ("2026-05", 1, 1),
    ]
    assert stats.by_month[1].utilisation is None


def test_no_trips_give_noughts_and_no_utilisation():
    stats = transport_statistics(start=START, end=END, region_code=None)

    assert (stats.total.workers, stats.total.trips, stats.total.seats, stats.total.km) == (0, 0, 0, 0)
    assert stats.total.utilisation is None
    assert stats.by_month == stats.by_origin == stats.by_destination == ()


def test_the_statistics_take_a_few_queries_however_many_riders(dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        transport_statistics(start=START, end=END, region_code=ZHENXIONG)


# The console page ----------------------------------------------------------------------------


def _staff(client, region: str | None = None, **fields):
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="dispatch", codename="view_trip"))
    client.force_login(user)
    return user


def test_the_console_page_shows_a_county_clerk_only_their_regions_figures(client, dataset):
    _staff(client, ZHENXIONG)

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30"})

    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats.total.workers, stats.total.trips, stats.total.seats, stats.total.km) == (4, 2, 90, 2500)
    page = response.content.decode()
    assert "<svg" in page and "<title>2026-03: 3</title>" in page
    province = Region.objects.get(code="440000").name
    assert f'<th scope="row">{province} (440000)</th><td>4</td><td>2</td><td>90</td>' in page
    assert '<th scope="row">2026-04</th><td>1</td><td>1</td><td>45</td>' in page
    assert len(response.content) < 60_000


def test_nationwide_staff_see_every_trip(client, dataset):
    _staff(client, nationwide=True)

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30"})

    assert response.context["stats"].total.workers == 10


def test_the_console_page_defaults_to_this_year(client):
    _staff(client, nationwide=True)

    stats = client.get(STATISTICS).context["stats"]

    today = timezone.localdate()
    assert (stats.start, stats.end) == (date(today.year, 1, 1), date(today.year, 12, 31))


def test_staff_without_the_view_permission_get_403(client):
    client.force_login(StaffFactory(nationwide=True))

    assert client.get(STATISTICS).status_code == 403


def test_staff_without_a_region_get_403(client):
    _staff(client)

    assert client.get(STATISTICS).status_code == 403


def test_the_period_cannot_end_before_it_starts(client):
    _staff(client, nationwide=True)

    response = client.get(STATISTICS, {"start": "2026-04-30", "end": "2026-03-01"})

    assert "The period cannot end before it starts." in response.content.decode()
    assert not PeriodForm({"start": "2026-04-30", "end": "2026-03-01"}).is_valid()


def test_the_csv_holds_every_table_and_escapes_cells_a_spreadsheet_would_run(client, dataset):
    Region.objects.filter(code="510000").update(name_zh="=HYPERLINK(1)", name_pinyin="=HYPERLINK(1)")
    Region.objects.filter(code="420000").update(name_zh="Hubei", name_pinyin="Hubei")
    _staff(client, nationwide=True)

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-04-30", "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["table", "group", "workers transported", "trips", "seats offered", "seat utilisation", "km"]
    assert ["total", "All", "10", "4", "188", "5%", "4500"] in rows
    assert ["month", "2026-03", "9", "3", "143", "6%", "3500"] in rows
    assert ["destination province", "Hubei", "2", "1", "45", "4%", "800"] in rows
    assert ["origin province", "'=HYPERLINK(1)", "7", "3", "", "", ""] in rows
