"""The public job search: who sees what, each filter, the orders, paging, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.models import Employer, JobPosting
from reference.models import Region
from tests.accounts.factories import county
from tests.jobs.factories import CampaignFactory, EmployerFactory, PostingFactory, SiteFactory, occupation
from tests.test_page_weight import BUDGET, page_weight
from tests.workers.factories import WorkerProfileFactory

pytestmark = pytest.mark.usefixtures("real_reference_data")

URL = reverse("jobs:job_list")


def _titles(client, **params) -> list[str]:
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return [posting.title for posting in response.context["page"].object_list]


def _posting_in(code: str, **kwargs) -> JobPosting:
    employer = kwargs.pop("employer", None) or EmployerFactory()
    site = SiteFactory(employer=employer, county=county(code))
    return PostingFactory(employer=employer, site=site, **kwargs)


def test_only_published_postings_of_unblocked_employers_before_expiry_are_listed(client):
    PostingFactory(title="public")
    for status in ["draft", "submitted", "filled", "closed", "expired"]:
        PostingFactory(title=status, status=status)
    PostingFactory(title="past expiry", expires_on=timezone.localdate() - timedelta(days=1))
    PostingFactory(title="blocked", employer=EmployerFactory(standing=Employer.Standing.BLOCKED))

    assert _titles(client) == ["public"]


def test_a_result_shows_net_pay_expected_pay_deductions_and_standing(client):
    PostingFactory(expected_monthly=6000, deduction_dormitory=200, deduction_meals=300, deduction_other=100)
    PostingFactory(title="watched", employer=EmployerFactory(standing=Employer.Standing.WATCH))

    content = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "5400 yuan a month after deductions" in content
    assert "Expected pay 6000 yuan, deductions 600 yuan" in content
    assert "Good standing" in content
    assert "Under watch" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region_0": "440000"}, ["Dongguan", "Shenzhen"]),
        ({"region_0": "440000", "region_1": "440300"}, ["Shenzhen"]),
        ({"region_0": "440000", "region_1": "440300", "region_2": "440306"}, ["Shenzhen"]),
        ({"region_0": "440000", "region_1": "440300", "region_2": "440307"}, []),
        ({"region_0": "530000"}, ["Kunming"]),
    ],
)
def test_the_region_filter_takes_a_province_prefecture_or_county(client, params, expected):
    _posting_in("441900", title="Dongguan")
    _posting_in("440306", title="Shenzhen")
    _posting_in("530102", title="Kunming")

    assert sorted(_titles(client, **params)) == expected


def test_occupation_and_trade_filters_narrow_the_results(client):
    welder = occupation("welder")
    welder.group_code = "construction"
    welder.save()
    PostingFactory(title="assembler", occupation=occupation())
    PostingFactory(title="welder", occupation=welder)

    assert _titles(client, occupation="welder") == ["welder"]
    assert _titles(client, group="manufacturing") == ["assembler"]
    assert _titles(client, group="construction", occupation="electronics_assembler") == []


def test_minimum_pay_counts_what_is_left_after_deductions(client):
    PostingFactory(title="5000 net", expected_monthly=5500, deduction_dormitory=200, deduction_meals=300)
    PostingFactory(title="4999 net", expected_monthly=5499, deduction_dormitory=200, deduction_meals=300)

    assert _titles(client, min_pay="5000") == ["5000 net"]


def test_housing_meals_and_transport_boxes_keep_only_postings_that_provide_them(client):
    PostingFactory(title="all", housing_provided=True, meals_provided=True, transport="p2p")
    PostingFactory(title="subsidy only", housing_provided=False, meals_provided=False, transport="subsidy")
    PostingFactory(title="nothing", housing_provided=False, meals_provided=False, transport="none")

    assert _titles(client, housing="on") == ["all"]
    assert _titles(client, meals="on") == ["all"]
    assert sorted(_titles(client, transport="on")) == ["all", "subsidy only"]
    assert sorted(_titles(client)) == ["all", "nothing", "subsidy only"]


def test_kind_campaign_and_start_filters_combine(client):
    campaign = CampaignFactory()
    soon = timezone.localdate() + timedelta(days=5)
    PostingFactory(title="relief soon", kind="work_for_relief", campaign=campaign, start_date=soon)
    PostingFactory(title="relief later", kind="work_for_relief", campaign=campaign, start_date=soon + timedelta(60))
    PostingFactory(title="regular soon", start_date=soon)

    assert sorted(_titles(client, kind="work_for_relief")) == ["relief later", "relief soon"]
    assert sorted(_titles(client, campaign=campaign.pk)) == ["relief later", "relief soon"]
    assert sorted(_titles(client, starts_within="7")) == ["regular soon", "relief soon"]
    assert _titles(client, campaign=campaign.pk, starts_within="7") == ["relief soon"]


def test_province_minimum_pay_housing_and_pay_order_combine(client):
    _posting_in("441900", title="low", expected_monthly=5000)
    _posting_in("441900", title="high", expected_monthly=8000)
    _posting_in("441900", title="no housing", expected_monthly=9000, housing_provided=False)
    _posting_in("530102", title="elsewhere", expected_monthly=9000)

    titles = _titles(client, region_0="440000", min_pay="4000", housing="on", sort="pay")

    assert titles == ["high", "low"]


def test_orders_by_pay_by_start_and_newest_first(client):
    today = timezone.localdate()
    PostingFactory(title="a", expected_monthly=5000, start_date=today + timedelta(3), published_at=timezone.now())
    PostingFactory(title="b", expected_monthly=7000, start_date=today + timedelta(9), published_at=timezone.now())
    PostingFactory(title="c", expected_monthly=6000, start_date=today + timedelta(1), published_at=timezone.now())

    assert _titles(client, sort="pay") == ["b", "c", "a"]
    assert _titles(client, sort="start") == ["c", "a", "b"]
    assert _titles(client) == ["c", "b", "a"]


def test_a_logged_in_worker_can_order_by_distance_from_the_home_county(client):
    worker = WorkerProfileFactory(hukou_county=Region.objects.get(code="530627"))  # Zhenxiong, Yunnan
    _posting_in("441900", title="Dongguan")
    _posting_in("530102", title="Kunming")
    _posting_in("110101", title="Beijing")
    client.force_login(worker.user)

    assert _titles(client, sort="nearest") == ["Kunming", "Dongguan", "Beijing"]


def test_nearest_first_is_not_offered_to_anonymous_visitors(client):
    _posting_in("530102", title="Kunming")

    response = client.get(URL, {"sort": "nearest"})

    assert "nearest" not in dict(response.context["filter"].form.fields["sort"].choices)
    assert [p.title for p in response.context["page"].object_list] == ["Kunming"]


def test_results_come_twenty_to_a_page_with_page_n_of_m(client):
    employer = EmployerFactory()
    for n in range(25):
        PostingFactory(employer=employer, title=f"job {n}", site=SiteFactory(employer=employer))

    first = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(URL, {"page": 2}, HTTP_ACCEPT_LANGUAGE="en")

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "Page 2 of 2" in second.content.decode()
    assert first.context["page"].paginator.count == 25


def test_an_empty_result_suggests_widening_the_search(client):
    response = client.get(URL, {"min_pay": "90000"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Try a wider place" in response.content.decode()


def _queries_for(client, params) -> int:
    cache.clear()  # totals and anonymous pages are cached; count every query
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"region_0": "440000", "min_pay": "3000"},
        {"group": "manufacturing", "housing": "on"},
        {"region_0": "440000", "region_1": "441900", "starts_within": "30", "sort": "pay"},
        {"transport": "on", "meals": "on", "kind": "regular", "sort": "start"},
    ],
)
def test_the_list_runs_the_same_few_queries_for_one_result_or_twenty(client, params, django_assert_max_num_queries):
    campaign = CampaignFactory()
    _posting_in("441900", campaign=campaign)
    one = _queries_for(client, {**params, "page": 1})
    for _n in range(24):
        _posting_in("441900", campaign=campaign)
    many = _queries_for(client, {**params, "page": 2})

    assert one == many
    cache.clear()
    with django_assert_max_num_queries(11):
        client.get(URL, {**params, "page": 2})


def test_a_logged_in_worker_sorting_by_distance_runs_a_fixed_number_of_queries(client):
    worker = WorkerProfileFactory()
    client.force_login(worker.user)
    _posting_in("441900")
    one = _queries_for(client, {"sort": "nearest"})
    for _n in range(10):
        _posting_in("530102")

    assert _queries_for(client, {"sort": "nearest", "page": 1}) == one


def test_a_full_result_page_weighs_under_60_kb_with_all_assets(client):
    employer = EmployerFactory()
    for _n in range(20):
        PostingFactory(employer=employer, site=SiteFactory(employer=employer), campaign=CampaignFactory())

    assert len(client.get(URL).context["page"].object_list) == 20
    total, sizes = page_weight(client, URL)

    assert total < BUDGET, sizes
