"""Boarding check-in by staff: the page a worker's QR code opens, and one trip's boarding list."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.pii import mask_name
from dispatch import services
from dispatch.models import Passenger, Trip
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import confirmed
from tests.jobs.factories import MemberFactory
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db


def booked(posting, count: int = 1) -> list[Passenger]:
    """Workers with confirmed offers and a seat on a planned trip, in offer order."""
    made = confirmed(posting, [skilled() for _ in range(count)])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    return [Passenger.objects.select_related("offer__worker__user", "stop").get(offer=offer) for offer in made]


def board_url(passenger: Passenger) -> str:
    return reverse("dispatch:board", args=[services.boarding_code(passenger)])


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def staff(client):
    """A clerk of the workers' home county, where the trip picks up."""
    user = StaffFactory(home_region=county("530627"))
    client.force_login(user)
    return user


# The code page ----------------------------------------------------------------------------


def test_staff_of_the_region_see_the_masked_worker_seat_stop_and_trip(client, posting, staff):
    [passenger] = booked(posting)
    worker = passenger.offer.worker

    page = text(client.get(board_url(passenger)))

    assert mask_name(worker.real_name) in page
    assert worker.real_name not in page
    assert f"Seat {passenger.seat}" in page
    assert passenger.stop.place in page
    assert posting.site.name in page
    assert "Confirmed by the employer" in page
    assert "Not on board yet" in page and "Mark on board" in page


def test_staff_mark_a_worker_on_board_once_and_a_second_scan_changes_nothing(client, posting, staff):
    [passenger] = booked(posting)
    url = board_url(passenger)

    page = text(client.post(url, follow=True))

    passenger.refresh_from_db()
    first = passenger.boarded_at
    assert first is not None and passenger.boarded_by == staff
    assert f"Seat {passenger.seat} is on board" in page
    assert "On board since" in page and "Mark on board" not in page

    page = text(client.post(url, follow=True))

    passenger.refresh_from_db()
    assert passenger.boarded_at == first
    assert f"Seat {passenger.seat} was already on board" in page


def test_staff_of_the_destination_region_may_board_too(client, posting):
    [passenger] = booked(posting)
    client.force_login(StaffFactory(home_region=county("441900")))

    client.post(board_url(passenger))

    passenger.refresh_from_db()
    assert passenger.boarded_at is not None


def test_staff_of_another_region_get_a_404_and_board_nobody(client, posting):
    [passenger] = booked(posting)
    client.force_login(StaffFactory(home_region=county("511321")))

    assert client.get(board_url(passenger)).status_code == 404
    assert client.post(board_url(passenger)).status_code == 404
    passenger.refresh_from_db()
    assert passenger.boarded_at is None


@pytest.mark.parametrize("forge", [lambda code: "1-0123456789", lambda code: code[:-2] + "xx", lambda code: "forged"])
def test_a_forged_code_is_a_404(client, posting, staff, forge):
    [passenger] = booked(posting)

    response = client.get(reverse("dispatch:board", args=[forge(services.boarding_code(passenger))]))

    assert response.status_code == 404


def test_workers_and_employers_cannot_open_the_code_page(client, posting):
    [passenger] = booked(posting)
    url = board_url(passenger)

    for user in (passenger.offer.worker.user, MemberFactory(employer=posting.employer).user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    passenger.refresh_from_db()
    assert passenger.boarded_at is None


def test_visitors_are_sent_to_log_in(client, posting):
    [passenger] = booked(posting)

    response = client.get(board_url(passenger))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("status", [Trip.Status.CANCELLED, Trip.Status.ARRIVED])
def test_a_cancelled_or_arrived_trip_refuses_boarding_with_the_reason(client, posting, staff, status):
    [passenger] = booked(posting)
    Trip.objects.update(status=status)

    response = client.post(board_url(passenger), follow=True)

    assert messages_of(response) == ["This trip is not boarding: it has arrived or was cancelled."]
    assert "Mark on board" not in text(response)
    passenger.refresh_from_db()
    assert passenger.boarded_at is None


# The boarding list ----------------------------------------------------------------------------


def test_the_boarding_list_shows_every_seat_masked_with_whether_on_board(client, posting, staff):
    passengers = booked(posting, count=3)
    services.passenger_board(staff=staff, offer_id=passengers[0].offer_id)
    trip = Trip.objects.get()

    page = text(client.get(reverse("dispatch:boarding", args=[trip.pk])))

    assert "1 of 3 seats on board" in page
    for passenger in passengers:
        assert mask_name(passenger.offer.worker.real_name) in page
        assert passenger.offer.worker.real_name not in page
    assert page.count('name="offer"') == 2


def test_a_row_button_marks_that_seat_on_board(client, posting, staff):
    first, second = booked(posting, count=2)
    url = reverse("dispatch:boarding", args=[Trip.objects.get().pk])

    page = text(client.post(url, {"offer": second.offer_id}, follow=True))

    assert Passenger.objects.get(pk=second.pk).boarded_at is not None
    assert Passenger.objects.get(pk=first.pk).boarded_at is None
    assert "1 of 2 seats on board" in page


def test_a_typed_code_marks_its_seat_on_board_whatever_the_spaces_and_capitals(client, posting, staff):
    [passenger] = booked(posting)
    number, tag = services.boarding_code(passenger).split("-")
    typed = f" {number} - {tag[:5].upper()} {tag[5:]} "

    response = client.post(reverse("dispatch:boarding", args=[passenger.trip_id]), {"code": typed})

    assert response.status_code == 302

    passenger.refresh_from_db()
    assert passenger.boarded_at is not None


def test_a_wrong_typed_code_is_refused_and_stays_in_the_form(client, posting, staff):
    [passenger] = booked(posting)

    page = text(client.post(reverse("dispatch:boarding", args=[passenger.trip_id]), {"code": "12-deadbeef00"}))

    assert "No seat in your region has this code." in page
    assert 'value="12-deadbeef00"' in page
    passenger.refresh_from_db()
    assert passenger.boarded_at is None


def test_a_typed_code_of_another_trip_is_refused(client, posting, staff):
    first, second = booked(posting, count=2)
    other = Trip.objects.create(
        site=posting.site,
        travel_day=first.trip.travel_day,
        vehicle_type=first.trip.vehicle_type,
        departure_at=first.trip.departure_at,
        arrival_at=first.trip.arrival_at,
        km=first.trip.km,
    )
    stop = other.stops.create(
        order=1, county_id=first.stop.county_id, place=first.stop.place, pickup_at=first.stop.pickup_at
    )
    Passenger.objects.filter(pk=second.pk).update(trip=other, stop=stop)

    page = text(
        client.post(reverse("dispatch:boarding", args=[first.trip_id]), {"code": services.boarding_code(second)})
    )

    assert "This code is for seat" in page and "on another trip" in page
    assert Passenger.objects.get(pk=second.pk).boarded_at is None


def test_a_row_of_another_trip_is_a_404(client, posting, staff):
    [passenger] = booked(posting)
    empty = Trip.objects.create(
        site=posting.site,
        travel_day=passenger.trip.travel_day,
        vehicle_type=passenger.trip.vehicle_type,
        departure_at=passenger.trip.departure_at,
        arrival_at=passenger.trip.arrival_at,
        km=1,
    )

    response = client.post(reverse("dispatch:boarding", args=[empty.pk]), {"offer": passenger.offer_id})

    assert response.status_code == 404
    passenger.refresh_from_db()
    assert passenger.boarded_at is None


def test_the_boarding_list_is_a_404_out_of_region_and_a_403_for_non_staff(client, posting):
    [passenger] = booked(posting)
    url = reverse("dispatch:boarding", args=[passenger.trip_id])

    client.force_login(StaffFactory(home_region=county("511321")))
    assert client.get(url).status_code == 404
    assert client.post(url, {"offer": passenger.offer_id}).status_code == 404
    client.force_login(passenger.offer.worker.user)
    assert client.get(url).status_code == 403
    passenger.refresh_from_db()
    assert passenger.boarded_at is None


def test_a_cancelled_trip_list_offers_no_button_and_refuses_a_post(client, posting, staff):
    [passenger] = booked(posting)
    Trip.objects.update(status=Trip.Status.CANCELLED)
    url = reverse("dispatch:boarding", args=[passenger.trip_id])

    assert 'name="offer"' not in text(client.get(url))
    response = client.post(url, {"offer": passenger.offer_id}, follow=True)

    assert messages_of(response) == ["This trip is not boarding: it has arrived or was cancelled."]
    passenger.refresh_from_db()
    assert passenger.boarded_at is None
