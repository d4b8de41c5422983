"""The staff home: what waits for a decision, counted inside the staff member's region, each count the number of
rows its link opens; and the console role that gives a clerk the lists."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.admin import CappedPaginator
from console.roles import CLERK, roles_sync
from dispatch.models import Passenger, Trip
from jobs.models import Employer, JobPosting
from matching.models import Offer
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import hand_trip
from tests.jobs.factories import EmployerFactory, PostingFactory, SiteFactory
from tests.matching.factories import OfferFactory
from tests.workers.factories import WorkerProfileFactory
from workers.models import Worker

pytestmark = pytest.mark.django_db

ZHENXIONG, WEIXIN, DONGGUAN = "530627", "530629", "441900"
HOME = reverse("admin:index")


def clerk(code: str = ZHENXIONG, **fields):
    """A staff member of the region with the bureau clerk's role."""
    roles_sync()
    staff = StaffFactory(home_region=county(code), **fields)
    staff.groups.add(Group.objects.get(name="Bureau clerk"))
    return staff


def decisions(client) -> dict[str, tuple[int, str]]:
    response = client.get(HOME)
    assert response.status_code == 200
    return {d.key: (d.count, d.url) for d in response.context["decisions"]}


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_a_clerk_sees_waiting_employers_and_postings_of_their_region_only(client):
    EmployerFactory(region=county(ZHENXIONG), verification=Employer.Verification.PENDING)
    EmployerFactory(region=county(WEIXIN), verification=Employer.Verification.PENDING)
    EmployerFactory(region=county(ZHENXIONG), verification=Employer.Verification.VERIFIED)
    site = SiteFactory(county=county(ZHENXIONG), employer=EmployerFactory(region=county(ZHENXIONG)))
    PostingFactory(employer=site.employer, site=site, status=JobPosting.Status.SUBMITTED)
    PostingFactory(status=JobPosting.Status.SUBMITTED)  # Dongguan, outside the clerk's county
    client.force_login(clerk(ZHENXIONG))

    found = decisions(client)

    assert found["employers"][0] == 1
    assert found["postings"][0] == 1


def test_every_count_is_the_number_of_rows_its_link_lists(client):
    WorkerProfileFactory(hukou_county=county(ZHENXIONG), poor_labourer=Worker.PoorLabourer.DECLARED)
    WorkerProfileFactory(hukou_county=county(WEIXIN), poor_labourer=Worker.PoorLabourer.DECLARED)
    EmployerFactory(region=county(ZHENXIONG), verification=Employer.Verification.PENDING)
    client.force_login(clerk(ZHENXIONG))

    found = decisions(client)

    assert found["poor_labourers"][0] == 1
    assert len(found) == 10
    for key, (count, url) in found.items():
        if key != "silent":
            assert listed(client, url) == count, key


def test_a_prefecture_clerk_counts_every_county_of_the_prefecture(client):
    WorkerProfileFactory(hukou_county=county(ZHENXIONG), poor_labourer=Worker.PoorLabourer.DECLARED)
    WorkerProfileFactory(hukou_county=county(WEIXIN), poor_labourer=Worker.PoorLabourer.DECLARED)
    client.force_login(clerk("530600"))

    assert decisions(client)["poor_labourers"][0] == 2


def test_offers_are_counted_when_the_answer_is_due_within_two_days(client):
    now = timezone.now()
    home = county(ZHENXIONG)
    OfferFactory(worker=WorkerProfileFactory(hukou_county=home), expires_at=now + timedelta(hours=30))
    OfferFactory(worker=WorkerProfileFactory(hukou_county=home), expires_at=now + timedelta(days=3))
    OfferFactory(
        worker=WorkerProfileFactory(hukou_county=home),
        expires_at=now + timedelta(hours=5),
        status=Offer.Status.ACCEPTED,
    )
    client.force_login(clerk(ZHENXIONG))

    assert decisions(client)["offers"][0] == 1


def test_trips_of_tomorrow_and_trips_with_differing_terms_are_counted(client, vehicles):
    tomorrow = timezone.localdate() + timedelta(days=1)
    hand_trip(travel_day=tomorrow)
    hand_trip(travel_day=tomorrow, status=Trip.Status.CANCELLED)
    hand_trip(travel_day=tomorrow + timedelta(days=1))
    arrived = hand_trip(travel_day=timezone.localdate() - timedelta(days=3), status=Trip.Status.ARRIVED)
    differs = {"terms_differ": True, "terms_checked_at": timezone.now() - timedelta(days=1)}
    for seat, fields in enumerate(({}, differs, differs), start=1):
        offer = OfferFactory(posting=PostingFactory(site=arrived.site), status=Offer.Status.PLACED)
        Passenger.objects.create(trip=arrived, stop=arrived.stops.get(), offer=offer, seat=seat, **fields)
    client.force_login(clerk(DONGGUAN))

    found = decisions(client)

    assert found["trips"][0] == 1
    assert found["terms"][0] == 1


def test_blocked_employers_are_listed_while_their_offers_run(client):
    blocked = EmployerFactory(region=county(ZHENXIONG), standing=Employer.Standing.BLOCKED)
    idle = EmployerFactory(region=county(ZHENXIONG), standing=Employer.Standing.BLOCKED)
    site = SiteFactory(employer=blocked, county=county(ZHENXIONG))
    OfferFactory(posting=PostingFactory(employer=blocked, site=site), status=Offer.Status.ACCEPTED)
    idle_site = SiteFactory(employer=idle, county=county(ZHENXIONG))
    OfferFactory(posting=PostingFactory(employer=idle, site=idle_site), status=Offer.Status.PLACED)
    client.force_login(clerk(ZHENXIONG))

    count, url = decisions(client)["blocked"]

    assert count == 1
    assert client.get(url).context["cl"].result_list[0] == blocked


def test_staff_without_a_role_see_no_lists_and_are_told_why(client):
    client.force_login(StaffFactory(home_region=county(ZHENXIONG)))

    response = client.get(HOME)

    assert response.context["decisions"] == []
    assert "no lists to decide on" in response.content.decode()


def test_the_home_shows_only_the_lists_the_staff_member_may_view(client):
    staff = StaffFactory(home_region=county(ZHENXIONG))
    staff.user_permissions.add(Permission.objects.get(codename="view_employer"))
    client.force_login(staff)

    assert set(decisions(client)) == {"employers", "blocked"}


def test_the_home_page_names_the_console_and_the_staff_members_region(client):
    client.force_login(clerk(ZHENXIONG))

    page = client.get(HOME).content.decode()

    assert "Chunfeng console" in page
    assert "Django administration" not in page
    assert "530627" in page
    assert 'aria-current="page"' in page


def test_the_home_page_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(clerk(ZHENXIONG))
    with django_assert_max_num_queries(30):
        client.get(HOME)


def test_the_clerk_role_holds_exactly_the_listed_permissions_and_sync_is_idempotent():
    roles_sync()
    roles_sync()
    group = Group.objects.get(name="Bureau clerk")
    expected = sum(len(actions) for models in CLERK.values() for actions in models.values())
    assert group.permissions.count() == expected
    assert group.permissions.filter(codename="change_employer").exists()
    assert not group.permissions.filter(codename__startswith="delete_").exists()


def test_the_clerk_role_is_made_after_every_migrate():
    Group.objects.filter(name="Bureau clerk").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert Group.objects.get(name="Bureau clerk").permissions.filter(codename="view_worker").exists()


def test_a_count_past_the_cap_reads_as_more_than_the_cap(client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 1)
    for _ in range(2):
        WorkerProfileFactory(hukou_county=county(ZHENXIONG), poor_labourer=Worker.PoorLabourer.DECLARED)
    client.force_login(clerk(ZHENXIONG))

    response = client.get(HOME)

    assert decisions(client)["poor_labourers"][0] == 2  # counted up to the cap and one more
    assert '<span class="count">1+</span>' in response.content.decode()


def test_a_migrate_syncs_the_roles_once_after_the_last_app():
    Group.objects.filter(name="Bureau clerk").delete()
    with CaptureQueriesContext(connection) as queries:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    # One look-up of the group per sync: once per migrate, not once per app that migrated.
    lookups = [q for q in queries.captured_queries if '"auth_group"."name" =' in q["sql"]]
    assert len(lookups) == 1
    assert Group.objects.get(name="Bureau clerk").permissions.exists()
