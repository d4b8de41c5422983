"""The console statistics dashboard: staff only, scoped to the staff member's region, filters that fall back to
defaults, tables with charts, and CSV and XLSX downloads that match the page and escape formulas."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.accounts.factories import StaffFactory, UserFactory, county
from tests.console.statistics_world import DONGGUAN, END, NANBU, START, ZHENXIONG, build

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("console_statistics")
PERIOD = {"start": f"{START:%Y-%m-%d}", "end": f"{END:%Y-%m-%d}"}


@pytest.fixture
def world(vehicles) -> dict[str, object]:
    return build()


def _clerk(client, code: str | None = ZHENXIONG, **fields):
    user = StaffFactory(home_region=county(code) if code else None, **fields)
    client.force_login(user)
    return user


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_nationwide_staff_see_every_figure_with_tables_and_charts(client, world):
    _clerk(client, None, nationwide=True)

    response = client.get(DASHBOARD, PERIOD)

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["stats"].registered.change.current == 4
    assert page.count('<table class="dashboard-table">') == 9 and page.count('<th scope="col">') > 20
    assert "<svg" in page and "<script>" not in page and 'style="' not in page
    assert '<th scope="row">=南部县招聘会</th>' not in page  # campaign names link to the campaign
    assert ">=南部县招聘会</a></th><td>Job fair</td>" in page
    assert reverse("admin:matching_matchrun_fairness", args=[world["full_run"].pk]) in page
    assert f"{reverse('admin:training_course_statistics')}?start=2026-04-01&amp;end=2026-06-30" in page
    assert len(response.content) < 60_000


def test_a_county_clerk_sees_only_their_countys_numbers(client, world):
    _clerk(client, ZHENXIONG)

    response = client.get(DASHBOARD, PERIOD)

    stats = response.context["stats"]
    assert stats.region_code == ZHENXIONG
    assert (stats.registered.change.current, stats.out_at_work.total, stats.matching.offers) == (3, 1, 3)


def test_a_clerk_asking_for_another_county_is_refused_and_kept_to_their_own(client, world):
    _clerk(client, ZHENXIONG)
    county(NANBU)

    response = client.get(DASHBOARD, {**PERIOD, "region_0": "510000", "region_1": "511300", "region_2": NANBU})

    assert response.status_code == 200
    assert response.context["stats"].region_code == ZHENXIONG
    assert "You can see only your own region and the places in it." in response.content.decode()


def test_a_prefecture_clerk_may_narrow_to_one_of_its_counties(client, world):
    _clerk(client, "530600")
    county(ZHENXIONG)

    response = client.get(DASHBOARD, {**PERIOD, "region_0": "530000", "region_1": "530600", "region_2": ZHENXIONG})

    assert response.context["form"].errors == {}
    assert response.context["stats"].region_code == ZHENXIONG


def test_a_clerks_export_of_another_county_gives_their_own_numbers_for_the_period_asked(client, world):
    _clerk(client, ZHENXIONG)
    county(NANBU)
    query = {**PERIOD, "region_0": "510000", "region_1": "511300", "region_2": NANBU, "export": "registered"}

    rows = _csv(client.get(DASHBOARD, {**query, "format": "csv"}))

    assert rows[1][1] == "3"


def test_a_period_ending_before_it_starts_shows_the_error_and_this_year(client, world):
    _clerk(client, None, nationwide=True)

    response = client.get(DASHBOARD, {"start": "2026-06-30", "end": "2026-04-01"})

    assert response.status_code == 200
    assert "The period cannot end before it starts." in response.content.decode()
    today = timezone.localdate()
    assert (response.context["stats"].start, response.context["stats"].end) == (
        date(today.year, 1, 1),
        date(today.year, 12, 31),
    )


def test_figures_with_nothing_counted_in_the_region_say_so(client, world):
    _clerk(client, DONGGUAN)

    page = client.get(DASHBOARD, PERIOD).content.decode()

    # No worker's home is in Dongguan; trips, campaigns, runs and wage claims reach it from the receiving side.
    assert page.count("Nothing to show for this period and region.") == 5


def test_csv_and_xlsx_give_the_same_numbers_and_escape_formulas(client, world):
    _clerk(client, None, nationwide=True)
    query = {**PERIOD, "export": "campaigns"}

    as_csv = client.get(DASHBOARD, {**query, "format": "csv"})
    as_xlsx = client.get(DASHBOARD, {**query, "format": "xlsx"})

    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_xlsx["Content-Disposition"] == 'attachment; filename="campaigns-20260401-20260630.xlsx"'
    from_csv, from_xlsx = _csv(as_csv), _xlsx(as_xlsx)
    assert from_csv[0] == from_xlsx[0] == ["Campaign", "Kind", "From", "To", "Postings", "Positions", "Filled"]
    assert [row[0] for row in from_csv[1:]] == [row[0] for row in from_xlsx[1:]] == ["'=南部县招聘会", "春风行动"]
    assert [row[4:] for row in from_csv[1:]] == [["1", "10", "1"], ["2", "55", "3"]]
    assert [row[4:] for row in from_xlsx[1:]] == [[1, 10, 1], [2, 55, 3]]


@pytest.mark.parametrize(
    "table",
    ["registered", "out_at_work", "transported", "trained", "poor_labourers", "local_employment", "matching", "wages"],
)
def test_every_table_downloads_as_the_page_shows_it(client, world, table):
    _clerk(client, None, nationwide=True)

    response = client.get(DASHBOARD, {**PERIOD, "export": table, "format": "xlsx"})
    shown = next(s.table for s in client.get(DASHBOARD, PERIOD).context["sections"] if s.table.key == table)

    assert _xlsx(response)[0] == list(shown.header)
    assert len(_xlsx(response)) == len(shown.rows) + 1


def test_money_stays_a_number_in_the_spreadsheet(client, world):
    _clerk(client, None, nationwide=True)

    rows = _xlsx(client.get(DASHBOARD, {**PERIOD, "export": "wages", "format": "xlsx"}))

    assert rows == [["Yuan recovered", "Workers helped"], [5200, 1]]


def test_an_unknown_table_or_format_is_not_found(client):
    _clerk(client, None, nationwide=True)

    assert client.get(DASHBOARD, {"export": "secrets", "format": "csv"}).status_code == 404
    assert client.get(DASHBOARD, {"export": "wages", "format": "pdf"}).status_code == 404


def test_someone_who_is_not_staff_is_sent_to_log_in(client):
    client.force_login(UserFactory())

    response = client.get(DASHBOARD)

    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_staff_without_a_region_get_403(client):
    _clerk(client, None)

    assert client.get(DASHBOARD).status_code == 403


def test_the_page_takes_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    _clerk(client, ZHENXIONG)
    client.get(DASHBOARD, PERIOD)

    with django_assert_max_num_queries(26):
        client.get(DASHBOARD, PERIOD)
