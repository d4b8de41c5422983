"""Skill gaps: what open jobs need that a worker (or a county's workers) cannot do yet, and the courses for it."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import JobPosting
from matching.recommendations import skill_gaps_by_county, skill_gaps_for
from tests.accounts.factories import RegionFactory, StaffFactory, county
from tests.jobs.factories import PostingFactory, SiteFactory
from tests.training.worker_helpers import course, trade
from tests.workers.factories import WorkerProfileFactory
from training.models import Course
from workers.models import DestinationChoice, Skill, Worker

pytestmark = pytest.mark.django_db

HOME = "530627"  # Zhenxiong, Zhaotong prefecture, Yunnan: the worker factory's hukou county


def today():
    return timezone.localdate()


def jobs(occupation, *, positions: int, net: int, place: str = "441900", filled: int = 0, **fields) -> JobPosting:
    site = SiteFactory(county=county(place))
    return PostingFactory(
        occupation=occupation,
        headcount=positions + filled,
        filled_count=filled,
        expected_monthly=net,
        deduction_dormitory=0,
        deduction_meals=0,
        site=site,
        employer=site.employer,
        **fields,
    )


def names(gaps) -> list[str]:
    return [gap.occupation.code for gap in gaps]


@pytest.fixture
def trades():
    return {code: trade(code, code.title()) for code in ("assembler", "welder", "cook", "driver", "mason")}


# For one worker ---------------------------------------------------------------------------


def test_gaps_are_ranked_by_open_positions_times_net_pay(trades):
    worker = WorkerProfileFactory()
    jobs(trades["assembler"], positions=10, net=5000)  # 50 000
    jobs(trades["welder"], positions=4, net=6000)  # 24 000
    jobs(trades["welder"], positions=4, filled=2, net=7000)  # + 28 000 = 52 000
    jobs(trades["cook"], positions=20, net=2000)  # 40 000

    gaps = skill_gaps_for(worker, today=today())

    assert names(gaps) == ["welder", "assembler", "cook"]
    welder = gaps[0]
    assert (welder.open_positions, welder.mean_net_pay, welder.weight) == (8, 6500, 52000)


def test_the_workers_own_skills_are_left_out(trades):
    worker = WorkerProfileFactory()
    Skill.objects.create(worker=worker, occupation=trades["driver"], years=5)
    jobs(trades["driver"], positions=100, net=9000)
    jobs(trades["cook"], positions=1, net=3000)

    assert names(skill_gaps_for(worker, today=today())) == ["cook"]


def test_jobs_started_closed_expired_or_full_are_not_demand(trades):
    worker = WorkerProfileFactory()
    jobs(trades["driver"], positions=50, net=9000, start_date=today() - timedelta(days=1))
    jobs(trades["driver"], positions=50, net=9000, status=JobPosting.Status.CLOSED)
    jobs(trades["driver"], positions=50, net=9000, expires_on=today() - timedelta(days=1))
    jobs(trades["mason"], positions=0, filled=5, net=9000)
    jobs(trades["cook"], positions=1, net=3000)

    assert names(skill_gaps_for(worker, today=today())) == ["cook"]


def test_only_jobs_in_the_chosen_provinces_count(trades):
    worker = WorkerProfileFactory(destinations=Worker.Destinations.PROVINCES)
    DestinationChoice.objects.create(worker=worker, province=RegionFactory(code="440000"), rank=1)
    jobs(trades["cook"], positions=1, net=3000, place="441900")
    jobs(trades["welder"], positions=90, net=9000, place="330106")

    assert names(skill_gaps_for(worker, today=today())) == ["cook"]


def test_a_local_worker_counts_only_jobs_in_the_home_prefecture(trades):
    worker = WorkerProfileFactory(destinations=Worker.Destinations.LOCAL)
    jobs(trades["cook"], positions=1, net=3000, place="530602")
    jobs(trades["welder"], positions=90, net=9000, place="530102")

    assert names(skill_gaps_for(worker, today=today())) == ["cook"]


def test_courses_near_home_come_first_then_the_province_then_online_and_never_far_away(trades):
    worker = WorkerProfileFactory()
    jobs(trades["welder"], positions=5, net=6000)
    province = course(trade=trades["welder"], title="昆明焊工班", county=county("530102"), days=5)
    prefecture = course(trade=trades["welder"], title="昭通焊工班", county=county("530602"), days=20)
    online = course(trade=trades["welder"], title="线上焊工班", format=Course.Format.ONLINE, days=1)
    course(trade=trades["welder"], title="宜都焊工班", county=county("420581"), days=1)

    (gap,) = skill_gaps_for(worker, today=today())

    assert gap.courses == [prefecture, province, online]


def test_courses_start_soonest_first_and_only_open_ones_count(trades):
    worker = WorkerProfileFactory()
    jobs(trades["cook"], positions=5, net=4000)
    later = course(trade=trades["cook"], format=Course.Format.ONLINE, days=9)
    sooner = course(trade=trades["cook"], format=Course.Format.ONLINE, days=3)
    course(trade=trades["cook"], format=Course.Format.ONLINE, days=2, status=Course.Status.DRAFT)
    course(trade=trades["cook"], format=Course.Format.ONLINE, days=-1)

    (gap,) = skill_gaps_for(worker, today=today())

    assert gap.courses == [sooner, later]


def test_the_worker_page_lists_each_gap_with_links_to_its_courses(client, trades):
    worker = WorkerProfileFactory()
    client.force_login(worker.user)
    jobs(trades["welder"], positions=8, net=6500)
    welding = course(trade=trades["welder"], title="线上焊工班", format=Course.Format.ONLINE)

    page = html.unescape(client.get(reverse("matching:skill_gaps")).content.decode())

    assert "Jobs you could do after a course" in page
    assert "Welder" in page and "8 open positions" in page and "about 6500 yuan a month" in page
    assert reverse("training:course_detail", args=[welding.pk]) in page


# For the bureau ---------------------------------------------------------------------------------


@pytest.fixture
def yunnan(trades):
    """Zhenxiong: ten seekers, one a welder (10 %: not a gap). Zhaoyang: two seekers. Hubei: one."""
    seekers = [WorkerProfileFactory() for _ in range(10)]
    Skill.objects.create(worker=seekers[0], occupation=trades["welder"], years=2)
    Skill.objects.create(worker=seekers[1], occupation=trades["cook"], years=1)
    WorkerProfileFactory(status=Worker.Status.EMPLOYED)
    for _ in range(2):
        WorkerProfileFactory(hukou_county=county("530602"))
    WorkerProfileFactory(hukou_county=county("420581"))
    jobs(trades["welder"], positions=30, net=6000)
    jobs(trades["cook"], positions=20, net=4000)
    jobs(trades["driver"], positions=10, net=7000)
    return trades


def test_county_gaps_rank_occupations_fewer_than_a_tenth_of_seekers_hold_by_national_positions(yunnan):
    rows = skill_gaps_by_county(region_code="530000", today=today())

    assert [(row.county.code, row.seekers) for row in rows] == [("530627", 10), ("530602", 2)]
    assert names(rows[0].gaps) == ["driver"]
    assert names(rows[1].gaps) == ["welder", "cook", "driver"]
    assert (rows[1].gaps[0].open_positions, rows[1].gaps[0].holders) == (30, 0)


def test_the_bureau_page_is_scoped_to_the_staff_members_region(client, yunnan):
    client.force_login(StaffFactory(home_region=county(HOME).parent.parent))

    page = html.unescape(client.get(reverse("matching:skill_gaps_staff")).content.decode())

    assert county(HOME).name in page and county("530602").name in page
    assert county("420581").name not in page
    assert "<svg" in page and "<rect" in page
    assert client.get(reverse("matching:skill_gaps_staff"), {"region": "420000"}).status_code == 403


def test_nationwide_staff_see_every_county(client, yunnan):
    client.force_login(StaffFactory(nationwide=True, home_region=None))

    page = html.unescape(client.get(reverse("matching:skill_gaps_staff")).content.decode())

    assert county("420581").name in page and county(HOME).name in page


def test_workers_cannot_see_the_bureau_page(client):
    client.force_login(WorkerProfileFactory().user)

    assert client.get(reverse("matching:skill_gaps_staff")).status_code == 403


def test_the_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(client, yunnan):
    yunnan["driver"].name_en = '=HYPERLINK("http://evil.example","x")'
    yunnan["driver"].save()
    client.force_login(StaffFactory(home_region=county(HOME).parent.parent))

    response = client.get(reverse("matching:skill_gaps_staff"), {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    cells = [row[5] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert {row[0] for row in rows[1:]} == {"530627", "530602"}
