"""Staff change planned trips by hand: moves keep cohorts whole, capacity holds, re-plans keep what staff set."""

from datetime import timedelta

import pytest

from accounts.models import SmsMessage
from dispatch import services
from dispatch.models import Passenger, Trip, TripChange, VehicleType
from matching.models import Offer
from matching.services import offers
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import confirmed, coordinates
from tests.jobs.factories import PostingFactory, occupation
from tests.matching.factories import cohort_of, skilled

pytestmark = pytest.mark.django_db

ZHENXIONG, NANBU = "530627", "511321"


@pytest.fixture
def two_trips(posting):
    """Two workers from Zhenxiong (Yunnan) and two from Nanbu (Sichuan): two trips, one per prefecture."""
    coordinates(NANBU, 31.35, 106.06)
    yunnan = [skilled(hukou_county=county(ZHENXIONG)) for _ in range(2)]
    sichuan = [skilled(hukou_county=county(NANBU)) for _ in range(2)]
    confirmed(posting, yunnan + sichuan)
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    first, second = Trip.objects.order_by("stops__county_id")
    assert first.stops.get().county_id == NANBU and second.stops.get().county_id == ZHENXIONG
    return first, second


def staff_of(code: str = "441900"):
    return StaffFactory(home_region=county(code))


def test_moving_a_worker_adds_a_pickup_on_the_other_trip_pins_both_and_is_recorded(two_trips, posting):
    nanbu, zhenxiong = two_trips
    offer_id = nanbu.passengers.first().offer_id

    moved = services.passenger_move(staff=staff_of(), offer_id=offer_id, trip_id=zhenxiong.pk)

    assert moved == [offer_id]
    seat = Passenger.objects.get(offer_id=offer_id)
    assert seat.trip == zhenxiong and seat.stop.county_id == NANBU
    assert sorted(zhenxiong.stops.values_list("county_id", flat=True)) == [NANBU, ZHENXIONG]
    assert set(Trip.objects.values_list("pinned", flat=True)) == {True}
    assert TripChange.objects.filter(action=TripChange.Action.MOVED).count() == 2
    zhenxiong.refresh_from_db()
    assert zhenxiong.km > 0 and zhenxiong.arrival_at > zhenxiong.departure_at


def test_a_re_plan_keeps_what_staff_set(two_trips, posting):
    nanbu, zhenxiong = two_trips
    offer_id = nanbu.passengers.first().offer_id
    services.passenger_move(staff=staff_of(), offer_id=offer_id, trip_id=zhenxiong.pk)
    before = list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat"))

    report = services.group_plan(site_id=posting.site_id, travel_day=nanbu.travel_day)

    assert report.changed == 0
    assert list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat")) == before


def test_a_new_confirmation_does_not_join_a_pinned_trip(two_trips, posting):
    nanbu, zhenxiong = two_trips
    services.trip_change_vehicle(
        staff=staff_of(), trip_id=zhenxiong.pk, vehicle_type_id=VehicleType.objects.get(seats=53).pk
    )

    [late] = confirmed(posting, [skilled(hukou_county=county(ZHENXIONG))])
    services.group_plan(site_id=posting.site_id, travel_day=zhenxiong.travel_day)

    assert Passenger.objects.get(offer=late).trip not in (nanbu, zhenxiong)
    assert zhenxiong.passengers.count() == 2


def test_an_ended_offer_still_gives_back_its_seat_on_a_pinned_trip(two_trips, posting):
    _, zhenxiong = two_trips
    services.trip_change_vehicle(
        staff=staff_of(), trip_id=zhenxiong.pk, vehicle_type_id=VehicleType.objects.get(seats=53).pk
    )
    leaving = Offer.objects.get(pk=zhenxiong.passengers.first().offer_id)
    offers.offers_withdraw(offers=[leaving], reason=Offer.WithdrawReason.WORKER_CHANGED)

    services.group_plan(site_id=posting.site_id, travel_day=zhenxiong.travel_day)

    assert zhenxiong.passengers.count() == 1
    assert not Passenger.objects.filter(offer=leaving).exists()


def test_a_cohort_moves_whole(posting):
    group = [skilled(hukou_county=county(ZHENXIONG)) for _ in range(2)]
    cohort_of(*group)
    coordinates(NANBU, 31.35, 106.06)
    confirmed(posting, [*group, skilled(hukou_county=county(NANBU))])
    day = posting.start_date - timedelta(days=2)
    services.group_plan(site_id=posting.site_id, travel_day=day)
    target = Trip.objects.get(stops__county_id=NANBU)
    one = Passenger.objects.filter(offer__worker=group[0]).get()

    moved = services.passenger_move(staff=staff_of(), offer_id=one.offer_id, trip_id=target.pk)

    assert len(moved) == 2
    seats = sorted(target.passengers.filter(offer__worker__in=group).values_list("seat", flat=True))
    assert seats[1] - seats[0] == 1
    assert Trip.objects.get(pk=one.trip_id).status == Trip.Status.CANCELLED


def test_a_move_into_a_full_trip_is_refused_and_changes_nothing(two_trips):
    nanbu, zhenxiong = two_trips
    VehicleType.objects.create(name="小车（2座）", seats=2, cost_per_km="2.00", speed_kmh=80)
    services.trip_change_vehicle(
        staff=staff_of(), trip_id=zhenxiong.pk, vehicle_type_id=VehicleType.objects.get(seats=2).pk
    )
    before = list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat"))

    with pytest.raises(services.DispatchError, match="too few free seats"):
        services.passenger_move(staff=staff_of(), offer_id=nanbu.passengers.first().offer_id, trip_id=zhenxiong.pk)

    assert list(Passenger.objects.order_by("offer_id").values_list("offer_id", "trip_id", "seat")) == before


def test_a_vehicle_too_small_is_refused_with_the_numbers(two_trips):
    _, zhenxiong = two_trips
    small = VehicleType.objects.create(name="轿车（1座）", seats=1, cost_per_km="1.00", speed_kmh=80)

    with pytest.raises(services.DispatchError, match="1 seats, too few for the 2 workers"):
        services.trip_change_vehicle(staff=staff_of(), trip_id=zhenxiong.pk, vehicle_type_id=small.pk)

    zhenxiong.refresh_from_db()
    assert zhenxiong.vehicle_type.seats == 45 and not zhenxiong.pinned


def test_staff_of_another_region_cannot_change_the_trip(two_trips):
    _, zhenxiong = two_trips
    with pytest.raises(services.DispatchError, match="no such trip in your region"):
        services.trip_cancel(staff=staff_of("110101"), trip_id=zhenxiong.pk, reason="车坏了")
    assert Trip.objects.get(pk=zhenxiong.pk).status == Trip.Status.PLANNED


def test_cancelling_a_trip_seats_its_workers_again_and_tells_them_of_the_change(
    two_trips, django_capture_on_commit_callbacks
):
    _, zhenxiong = two_trips
    riders = set(zhenxiong.passengers.values_list("offer_id", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        services.trip_cancel(staff=staff_of(), trip_id=zhenxiong.pk, reason="车辆故障")

    zhenxiong.refresh_from_db()
    assert zhenxiong.status == Trip.Status.CANCELLED and zhenxiong.cancelled_reason == "车辆故障"
    again = Passenger.objects.filter(offer_id__in=riders)
    assert again.count() == 2 and zhenxiong.pk not in set(again.values_list("trip_id", flat=True))
    assert SmsMessage.objects.filter(kind="dispatch.changed").count() == 2
    assert TripChange.objects.get(trip=zhenxiong).action == TripChange.Action.CANCELLED


def test_a_cancel_needs_a_reason(two_trips):
    _, zhenxiong = two_trips
    with pytest.raises(services.DispatchError, match="Say why"):
        services.trip_cancel(staff=staff_of(), trip_id=zhenxiong.pk, reason="  ")


def test_a_departed_trip_cannot_be_changed_by_hand(two_trips):
    nanbu, zhenxiong = two_trips
    services.trip_depart(staff=staff_of(), trip_id=zhenxiong.pk)

    with pytest.raises(services.DispatchError, match="Only a planned trip"):
        services.passenger_move(staff=staff_of(), offer_id=zhenxiong.passengers.first().offer_id, trip_id=nanbu.pk)
    with pytest.raises(services.DispatchError, match="Only a planned trip can depart"):
        services.trip_depart(staff=staff_of(), trip_id=zhenxiong.pk)
    assert TripChange.objects.get(trip=zhenxiong).detail == "0 of 2 workers on board."


def test_a_worker_who_does_not_come_is_a_no_show_and_the_seat_goes_back(two_trips, posting):
    _, zhenxiong = two_trips
    offer_id = zhenxiong.passengers.first().offer_id

    services.passenger_no_show(staff=staff_of(), offer_id=offer_id)
    services.group_plan(site_id=posting.site_id, travel_day=zhenxiong.travel_day)

    assert Offer.objects.get(pk=offer_id).status == Offer.Status.NO_SHOW
    assert not Passenger.objects.filter(offer_id=offer_id).exists()
    assert TripChange.objects.filter(trip=zhenxiong, action=TripChange.Action.NO_SHOW).exists()


def test_with_pooled_departures_the_starts_of_several_days_share_a_vehicle(settings, posting):
    settings.DISPATCH_LEAD_DAYS, settings.DISPATCH_POOL_DAYS = 1, 3
    # Welders, so that the second worker's offer is for this posting.
    later = PostingFactory(
        site=posting.site,
        employer=posting.employer,
        occupation=occupation("welder"),
        start_date=posting.start_date + timedelta(days=1),
    )
    day = services.travel_day_for(posting)
    if services.travel_day_for(later) != day:  # the two starts straddle a departure day: move the second one back
        later.start_date = posting.start_date - timedelta(days=1)
        later.save()
    assert services.travel_day_for(later) == day
    assert 1 <= (posting.start_date - day).days <= 3

    assert len(confirmed(posting, [skilled()]) + confirmed(later, [skilled(trade="welder")])) == 2
    services.group_plan(site_id=posting.site_id, travel_day=day)

    assert Trip.objects.get().passengers.count() == 2
    with pytest.raises(ValueError, match="not a departure day"):
        services.group_plan(site_id=posting.site_id, travel_day=day + timedelta(days=1))
