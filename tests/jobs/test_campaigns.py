"""Public campaign pages: details, live counts of public postings only, the campaign's job list."""

import pytest
from django.urls import reverse

from jobs.models import Employer
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import CampaignFactory, EmployerFactory, PostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory(name="Job fair", kind="job_fair", venue="Kunming Expo Centre", booths=120)
    campaign.regions.add(county("530627"))
    PostingFactory(title="open", campaign=campaign, headcount=50, filled_count=10)
    PostingFactory(title="other", campaign=campaign, headcount=20, filled_count=5)
    PostingFactory(title="draft", campaign=campaign, status="draft", headcount=300)
    PostingFactory(title="blocked", campaign=campaign, employer=EmployerFactory(standing=Employer.Standing.BLOCKED))
    PostingFactory(title="no campaign")
    return campaign


def test_the_campaign_list_counts_public_postings_positions_and_filled_places(client, campaign):
    response = client.get(reverse("jobs:campaign_list"))

    listed = next(c for c in response.context["campaigns"] if c.pk == campaign.pk)
    assert (listed.posting_count, listed.positions, listed.filled) == (2, 70, 15)


def test_the_campaign_list_runs_one_query_however_many_campaigns(client, campaign, django_assert_max_num_queries):
    for _n in range(5):
        PostingFactory(campaign=CampaignFactory())

    with django_assert_max_num_queries(2):
        client.get(reverse("jobs:campaign_list"))


def test_the_campaign_page_shows_venue_booths_regions_counts_and_its_public_jobs(client, campaign):
    response = client.get(reverse("jobs:campaign_detail", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert "Kunming Expo Centre" in content
    assert "120" in content
    assert "2 job postings · 70 positions · 15 filled" in content
    assert sorted(p.title for p in response.context["page"].object_list) == ["open", "other"]


def test_a_campaign_with_no_postings_counts_zero(client):
    campaign = CampaignFactory()

    response = client.get(reverse("jobs:campaign_detail", args=[campaign.pk]))

    assert (response.context["campaign"].posting_count, response.context["campaign"].positions) == (0, 0)


def test_an_unknown_campaign_is_not_found(client):
    assert client.get(reverse("jobs:campaign_detail", args=[999])).status_code == 404


def test_the_console_campaign_list_counts_postings_without_a_query_per_row(
    client, campaign, django_assert_max_num_queries
):
    for _n in range(5):
        PostingFactory(campaign=CampaignFactory())
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:jobs_campaign_changelist"))

    assert response.status_code == 200
    row = next(c for c in response.context["cl"].result_list if c.pk == campaign.pk)
    assert (row.posting_total, row.published_total) == (4, 3)
