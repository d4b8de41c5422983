"""The dashboard's figures on a hand-built world with known answers: boundary moments, a region that leaves rows
out, the previous quarter and the same period last year, and a bound on the queries."""

from datetime import date

import pytest

from console import statistics
from tests.console.statistics_world import END, EXPECTED, IN_ZHENXIONG, NANBU, START, ZHENXIONG, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vehicles) -> dict[str, object]:
    return build()


def _answers(region_code: str | None) -> dict[str, object]:
    board = statistics.dashboard(start=START, end=END, region_code=region_code)
    return {
        "registered": (board.registered.change.current, board.registered.change.previous),
        "out_at_work": {row.key: row.count for row in board.out_at_work.by_province},
        "out_poor": board.out_at_work.poor_labourers,
        "transported": (board.transported.workers, board.transported.trips),
        "trained": (board.trained.total.enrolled, board.trained.total.completed, board.trained.total.certified),
        "poor": (board.poor_labourers.change.current, board.poor_labourers.change.previous),
        "local": {row.key: row.count for row in board.local_employment.by_kind if row.count},
        "campaigns": {row.name: (row.postings, row.positions, row.filled) for row in board.campaigns},
        "runs": (board.matching.runs, board.matching.offers, board.matching.accepted),
        "full_run_offers": next((row.offers, row.accepted) for row in board.matching.full_runs),
        "wages": (board.wages.amount, board.wages.workers),
    }


def test_every_figure_has_its_known_answer_nationwide(world):
    assert _answers(None) == EXPECTED


def test_a_county_keeps_only_its_own_rows(world):
    assert _answers(ZHENXIONG) == IN_ZHENXIONG


def test_a_province_holds_its_counties(world):
    assert _answers("530000") == IN_ZHENXIONG


def test_the_previous_quarter_ends_three_months_before_the_period(world):
    registered = statistics.registered_workers(start=START, end=END, region_code=None)

    assert registered.previous_end == date(2026, 3, 31)
    assert (registered.change.difference, registered.change.percent) == (1, 33.3)


def test_last_years_period_is_the_same_days_a_year_earlier(world):
    poor = statistics.poor_labourers_out(start=START, end=END, region_code=None)

    assert (poor.previous_start, poor.previous_end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert (poor.change.difference, poor.change.percent) == (1, 100.0)


def test_a_change_from_nothing_has_no_percent():
    assert statistics.Change(current=5, previous=0).percent is None
    assert statistics.Change(current=0, previous=4).percent == -100.0


def test_months_before_keeps_month_ends_at_month_ends():
    assert statistics.months_before(date(2026, 6, 30), 3) == date(2026, 3, 31)
    assert statistics.months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert statistics.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert statistics.months_before(date(2026, 2, 15), 3) == date(2025, 11, 15)


def test_a_county_with_no_rows_gets_zeros_and_empty_tables(world):
    board = statistics.dashboard(start=START, end=END, region_code="530628")

    assert board.registered.change.current == board.out_at_work.total == board.transported.workers == 0
    assert board.out_at_work.by_province == ()
    # Runs cover the whole country: the full run is listed, with no offers to workers of this county.
    assert [(row.offers, row.accepted, row.acceptance_percent) for row in board.matching.full_runs] == [(0, 0, None)]
    assert board.local_employment.total == 0 and board.wages.workers == 0


def test_the_figures_of_a_nanbu_clerk_leave_out_zhenxiong(world):
    board = statistics.dashboard(start=START, end=END, region_code=NANBU)

    assert board.registered.change.current == 1
    assert {row.key: row.count for row in board.out_at_work.by_province} == {"420000": 1}
    assert [row.name for row in board.campaigns] == ["=南部县招聘会", "春风行动"]
    assert board.transported.workers == 0


def test_training_counts_by_course_type(world):
    by_type = {row.key: row for row in statistics.trained(start=START, end=END, region_code=None).by_type}

    assert (by_type["targeted"].enrolled, by_type["targeted"].completed, by_type["targeted"].certified) == (1, 1, 1)
    assert (by_type["urgent"].enrolled, by_type["urgent"].completed) == (1, 0)
    assert by_type["upgrade"].enrolled == 0


def test_the_runs_table_gives_duration_and_acceptance(world):
    runs = statistics.matching_runs(start=START, end=END, region_code=None)

    (row,) = runs.full_runs
    assert (row.pk, row.seconds, row.acceptance_percent) == (world["full_run"].pk, 90.0, 50.0)
    assert runs.acceptance_percent == 60.0


def test_the_whole_dashboard_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):
        statistics.dashboard(start=START, end=END, region_code=ZHENXIONG)
