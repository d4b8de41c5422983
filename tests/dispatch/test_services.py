"""Planning trips from confirmed offers: seats for everyone, cohorts together, re-plans that touch only what changed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import SmsMessage
from config.celery import app
from dispatch import services
from dispatch.models import Passenger, PickupPoint, Stop, Trip
from matching.models import Offer
from matching.services import offers
from outbox.models import OutboxEvent
from outbox.services import event_consume
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import confirmed
from tests.jobs.factories import MemberFactory
from tests.matching.factories import cohort_of, skilled

pytestmark = pytest.mark.django_db


def test_confirmed_offers_get_seats_on_a_planned_trip_two_days_before_the_start(posting):
    made = confirmed(posting, [skilled() for _ in range(3)])
    day = posting.start_date - timedelta(days=2)

    report = services.group_plan(site_id=posting.site_id, travel_day=day)

    trip = Trip.objects.get()
    assert (report.trips, report.passengers, report.lower_bound) == (1, 3, 1)
    assert trip.travel_day == day
    assert trip.vehicle_type.seats == 45
    assert sorted(trip.passengers.values_list("seat", flat=True)) == [1, 2, 3]
    assert set(trip.passengers.values_list("offer_id", flat=True)) == {offer.pk for offer in made}
    assert trip.stops.get().county_id == "530627"
    assert trip.km > 1000
    assert trip.arrival_at > trip.departure_at


def test_planning_again_changes_nothing(posting):
    confirmed(posting, [skilled() for _ in range(2)])
    day = posting.start_date - timedelta(days=2)
    services.group_plan(site_id=posting.site_id, travel_day=day)
    seats = list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat"))

    report = services.group_plan(site_id=posting.site_id, travel_day=day)

    assert report.changed == 0
    assert list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat")) == seats


def test_a_late_confirmation_joins_the_trip_and_keeps_everyone_elses_seat(posting):
    confirmed(posting, [skilled() for _ in range(2)])
    day = posting.start_date - timedelta(days=2)
    services.group_plan(site_id=posting.site_id, travel_day=day)
    before = dict(Passenger.objects.values_list("offer_id", "seat"))

    [late] = confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=day)

    assert Trip.objects.count() == 1
    after = dict(Passenger.objects.values_list("offer_id", "seat"))
    assert {offer: after[offer] for offer in before} == before
    assert late.pk in after


def test_a_departed_trip_never_changes(posting):
    confirmed(posting, [skilled() for _ in range(2)])
    day = posting.start_date - timedelta(days=2)
    services.group_plan(site_id=posting.site_id, travel_day=day)
    Trip.objects.update(status=Trip.Status.DEPARTED)
    before = list(Passenger.objects.values_list("offer_id", "trip_id", "seat"))

    confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=day)

    departed = Passenger.objects.filter(trip__status=Trip.Status.DEPARTED)
    assert list(departed.values_list("offer_id", "trip_id", "seat")) == before
    assert Trip.objects.filter(status=Trip.Status.PLANNED).count() == 1


def test_a_cohort_sits_together(posting):
    group = [skilled(), skilled(), skilled()]
    cohort_of(*group)
    confirmed(posting, [skilled()])
    confirmed(posting, group)

    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))

    seats = sorted(Passenger.objects.filter(offer__worker__in=group).values_list("seat", flat=True))
    assert seats == list(range(seats[0], seats[0] + 3))


def test_the_booked_worker_gets_a_text_with_pickup_place_time_and_seat(posting, django_capture_on_commit_callbacks):
    [offer] = confirmed(posting, [skilled()])
    offer.worker.user.preferred_language = "en"
    offer.worker.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))

    message = SmsMessage.objects.get(kind="dispatch.booked")
    assert "seat 1" in message.body and posting.site.name in message.body


def test_a_confirmation_plans_the_trip_without_anyone_pressing_a_button(posting):
    app.conf.task_always_eager = True
    try:
        [offer] = confirmed(posting, [skilled()])
        event = OutboxEvent.objects.get(topic=offers.TOPIC_OFFER_CONFIRMED, payload__offer_id=offer.pk)
        event_consume(event_id=event.pk)
    finally:
        app.conf.task_always_eager = False

    assert Passenger.objects.get().offer == offer


def test_staff_of_the_sending_county_see_the_trip_and_others_do_not(client, posting):
    confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    trip = Trip.objects.get()
    change = reverse("admin:dispatch_trip_change", args=[trip.pk])

    for code, status in (("530627", 200), ("511321", 404)):
        staff = StaffFactory(home_region=county(code))
        staff.user_permissions.add(*Permission.objects.filter(codename="view_trip"))
        client.force_login(staff)
        assert client.get(change).status_code == status


def test_a_withdrawn_confirmed_offer_gives_its_seat_back_and_the_trip_is_replanned(posting):
    app.conf.task_always_eager = True
    try:
        made = confirmed(posting, [skilled(), skilled()])
        for event in OutboxEvent.objects.filter(topic=offers.TOPIC_OFFER_CONFIRMED):
            event_consume(event_id=event.pk)
        assert Passenger.objects.count() == 2

        offers.offers_withdraw(offers=[made[0]], reason=Offer.WithdrawReason.WORKER_CHANGED)
        event = OutboxEvent.objects.get(topic=offers.TOPIC_OFFER_ENDED)
        event_consume(event_id=event.pk)
    finally:
        app.conf.task_always_eager = False

    assert list(Passenger.objects.values_list("offer_id", flat=True)) == [made[1].pk]
    assert Trip.objects.get().status == Trip.Status.PLANNED


def test_the_worker_home_page_shows_pickup_place_time_and_seat(client, posting):
    [offer] = confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    client.force_login(offer.worker.user)

    page = client.get(reverse("workers:dashboard")).content.decode()

    passenger = Passenger.objects.get()
    assert passenger.stop.place in page
    assert "Seat" in page and f"{passenger.seat} · " in page
    assert posting.site.name in page


def test_the_employer_sees_the_workers_on_their_way_by_arrival_day(client, posting):
    confirmed(posting, [skilled(), skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    member = MemberFactory(employer=posting.employer)
    client.force_login(member.user)

    page = client.get(reverse("dispatch:incoming")).content.decode()

    assert "2 workers arriving" in page
    assert posting.site.name in page


def test_another_employer_sees_no_trips_of_ours(client, posting):
    confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    client.force_login(MemberFactory().user)

    page = client.get(reverse("dispatch:incoming")).content.decode()

    assert "No trips on their way." in page
    assert posting.site.name not in page


def test_a_worker_cannot_open_the_employers_trip_page(client, posting):
    client.force_login(skilled().user)

    assert client.get(reverse("dispatch:incoming")).status_code == 403


def test_vehicles_call_at_the_pickup_point_staff_named_in_the_county(posting):
    point = PickupPoint.objects.create(county=county("530627"), name="镇雄县客运站", lat=27.45, lng=104.88)
    confirmed(posting, [skilled()])

    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))

    stop = Stop.objects.get()
    assert (stop.pickup_point, stop.place) == (point, "镇雄县客运站")
    assert Passenger.objects.get().stop == stop
