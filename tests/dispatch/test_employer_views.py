"""The employer's trip page: who may open it, and the check-in at the gate that places a rider or records a no-show."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dispatch import services
from dispatch.models import Passenger, Trip
from matching.models import Offer
from tests.dispatch.factories import confirmed
from tests.jobs.factories import MemberFactory
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(posting) -> Trip:
    """A planned trip to the posting's site with two confirmed riders."""
    confirmed(posting, [skilled(), skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    return Trip.objects.get()


@pytest.fixture
def member(client, posting):
    member = MemberFactory(employer=posting.employer)
    client.force_login(member.user)
    return member


def _page(trip: Trip) -> str:
    return reverse("dispatch:employer_trip", args=[trip.pk])


def _arrival(trip: Trip, passenger: Passenger) -> str:
    return reverse("dispatch:employer_trip_arrival", args=[trip.pk, passenger.offer_id])


def test_the_employer_sees_the_trip_with_its_riders_masked(client, member, trip):
    passenger = trip.passengers.select_related("offer__worker", "stop__county").first()

    page = client.get(_page(trip)).content.decode()

    assert trip.site.name in page
    assert trip.vehicle_type.name in page
    assert passenger.stop.place in page
    assert passenger.offer.worker.real_name not in page
    assert passenger.offer.worker.real_name[0] + "*" in page
    assert page.count('name="arrived" value="yes"') == 2


def test_the_incoming_list_links_to_the_trip_page(client, member, trip):
    page = client.get(reverse("dispatch:incoming")).content.decode()

    assert f'href="{_page(trip)}"' in page


def test_another_employers_member_gets_404(client, trip):
    client.force_login(MemberFactory().user)

    assert client.get(_page(trip)).status_code == 404
    passenger = trip.passengers.first()
    assert client.post(_arrival(trip, passenger), {"arrived": "yes"}).status_code == 404
    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.CONFIRMED


def test_a_worker_gets_403(client, trip):
    client.force_login(skilled().user)

    assert client.get(_page(trip)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, trip):
    response = client.get(_page(trip))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_arrived_places_the_worker_and_brings_the_trip_in(client, member, trip):
    passenger = trip.passengers.first()

    response = client.post(_arrival(trip, passenger), {"arrived": "yes"}, follow=True)

    passenger.refresh_from_db()
    assert passenger.arrived_at is not None
    assert passenger.arrived_by == member.user
    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.PLACED
    assert Trip.objects.get(pk=trip.pk).status == Trip.Status.ARRIVED
    assert response.redirect_chain[-1][0] == _page(trip)
    assert "arrived and started work" in response.content.decode()


def test_the_trip_page_stays_open_once_the_trip_has_arrived(client, member, trip):
    first = trip.passengers.order_by("seat").first()
    client.post(_arrival(trip, first), {"arrived": "yes"})

    page = client.get(_page(trip)).content.decode()

    assert page.count('name="arrived" value="yes"') == 1
    assert f'href="{_page(trip)}"' in client.get(reverse("dispatch:incoming")).content.decode()


def test_did_not_come_makes_the_offer_a_no_show(client, member, trip):
    passenger = trip.passengers.first()

    client.post(_arrival(trip, passenger), {"arrived": "no"})

    passenger.refresh_from_db()
    assert passenger.arrived_at is None
    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.NO_SHOW
    assert Trip.objects.get(pk=trip.pk).status == Trip.Status.PLANNED


def test_a_second_click_on_a_marked_rider_says_so_and_changes_nothing(client, member, trip):
    passenger = trip.passengers.first()
    client.post(_arrival(trip, passenger), {"arrived": "yes"})
    passenger.refresh_from_db()
    arrived_at = passenger.arrived_at

    response = client.post(_arrival(trip, passenger), {"arrived": "no"}, follow=True)

    passenger.refresh_from_db()
    assert passenger.arrived_at == arrived_at
    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.PLACED
    assert "Arrival can be recorded only for a confirmed offer." in response.content.decode()


def test_an_answer_that_is_neither_yes_nor_no_changes_nothing(client, member, trip):
    passenger = trip.passengers.first()

    response = client.post(_arrival(trip, passenger), {"arrived": "maybe"}, follow=True)

    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.CONFIRMED
    assert "Say whether the worker arrived." in response.content.decode()


def test_a_cancelled_trip_explains_and_takes_no_check_in(client, member, trip):
    Trip.objects.filter(pk=trip.pk).update(status=Trip.Status.CANCELLED)
    passenger = trip.passengers.first()

    page = client.get(_page(trip)).content.decode()

    assert "This trip was cancelled" in page
    assert 'name="arrived"' not in page
    assert client.post(_arrival(trip, passenger), {"arrived": "yes"}).status_code == 404
    assert Offer.objects.get(pk=passenger.offer_id).status == Offer.Status.CONFIRMED


def test_a_rider_of_another_trip_is_404_on_this_trip(client, member, trip):
    other = Trip.objects.create(
        site=trip.site,
        travel_day=trip.travel_day,
        vehicle_type=trip.vehicle_type,
        departure_at=trip.departure_at,
        arrival_at=trip.arrival_at,
        km=trip.km,
    )
    passenger = trip.passengers.first()

    assert client.post(_arrival(other, passenger), {"arrived": "yes"}).status_code == 404
