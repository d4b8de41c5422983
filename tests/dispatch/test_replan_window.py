"""Re-planning a window of days from the console: which groups a clerk's region reaches, the task that plans each,
and the page (change permission, a window of at most a month, nothing re-planned on bad input)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from config.celery import app
from dispatch import services
from dispatch.models import Passenger, Trip
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import confirmed
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db

REPLAN = reverse("admin:dispatch_trip_replan")


def clerk(code: str, *codenames: str):
    staff = StaffFactory(home_region=county(code))
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="dispatch", codename__in=codenames))
    return staff


@pytest.fixture
def day(posting):
    """The travel day of the posting's confirmed workers (two days before the start)."""
    confirmed(posting, [skilled(), skilled()])
    return posting.start_date - timedelta(days=2)


def test_the_window_holds_the_groups_with_confirmed_workers_or_planned_trips(posting, day):
    groups = services.window_groups(prefix="", start=day, end=day)

    assert groups == [(posting.site_id, day)]
    assert services.window_groups(prefix="", start=day + timedelta(days=1), end=day + timedelta(days=9)) == []


def test_a_group_is_in_the_region_of_its_site_and_of_its_riders_homes(posting, day):
    assert services.window_groups(prefix="530627", start=day, end=day) == [(posting.site_id, day)]  # riders' home
    assert services.window_groups(prefix="441900", start=day, end=day) == [(posting.site_id, day)]  # the site
    assert services.window_groups(prefix="511321", start=day, end=day) == []


def test_a_planned_trip_keeps_its_group_in_the_window_after_its_riders_are_gone(posting, day):
    services.group_plan(site_id=posting.site_id, travel_day=day)
    posting.offers.update(status="withdrawn")

    assert services.window_groups(prefix="441900", start=day, end=day) == [(posting.site_id, day)]


def test_a_clerk_replans_the_window_and_every_group_is_planned(
    client, posting, day, django_capture_on_commit_callbacks
):
    client.force_login(clerk("530627", "view_trip", "change_trip"))
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REPLAN, {"start": day.isoformat(), "end": (day + timedelta(days=6)).isoformat()})
    finally:
        app.conf.task_always_eager = False

    assert response.status_code == 302
    assert Trip.objects.filter(site=posting.site, travel_day=day).count() == 1
    assert Passenger.objects.count() == 2
    assert "1 site and day is being re-planned" in client.get(response["Location"]).content.decode()


def test_a_window_longer_than_a_month_is_refused_and_nothing_is_queued(
    client, posting, day, django_capture_on_commit_callbacks
):
    client.force_login(clerk("530627", "view_trip", "change_trip"))

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(REPLAN, {"start": day.isoformat(), "end": (day + timedelta(days=40)).isoformat()})

    assert response.status_code == 200
    assert "at most 31 days" in response.content.decode()
    assert callbacks == []


def test_a_window_that_ends_before_it_starts_is_refused(client, posting, day):
    client.force_login(clerk("530627", "view_trip", "change_trip"))

    response = client.post(REPLAN, {"start": day.isoformat(), "end": (day - timedelta(days=1)).isoformat()})

    assert "cannot end before it starts" in response.content.decode()
    assert not Trip.objects.exists()


def test_a_clerk_who_may_only_read_trips_cannot_replan(client, posting, day):
    client.force_login(clerk("530627", "view_trip"))

    assert client.get(REPLAN).status_code == 403
    assert client.post(REPLAN, {"start": day.isoformat(), "end": day.isoformat()}).status_code == 403
    assert not Trip.objects.exists()


def test_the_trip_board_offers_the_replan_page_to_clerks_who_may_change_trips(client):
    client.force_login(clerk("530627", "view_trip", "change_trip"))
    assert REPLAN in client.get(reverse("admin:dispatch_trip_changelist")).content.decode()

    client.force_login(clerk("530627", "view_trip"))
    assert REPLAN not in client.get(reverse("admin:dispatch_trip_changelist")).content.decode()
