"""Hand changes to planned trips (dispatch.planner.move / change_vehicle / drop): capacity holds, times follow."""

import numpy as np
import pytest

from dispatch.planner import Passengers, Places, VehicleType, change_vehicle, drop, move, plan

SMALL = VehicleType("minibus", 4, 3.0, 60.0)
COACH = VehicleType("coach", 45, 8.0, 70.0)
KINDS = [SMALL, COACH]
# Two counties of one prefecture, 100 km apart, and a factory far to the south-east.
PLACES = Places(
    origin_lat=[27.4, 27.4], origin_lng=[104.0, 105.0], origin_prefecture=[1, 2], site_lat=[23.0], site_lng=[113.7]
)


def two_trips(near: int = 3, far: int = 3):
    """One trip from each county (different prefectures, so never shared), on minibuses."""
    n = near + far
    pax = Passengers(
        id=np.arange(n),
        origin=np.array([0] * near + [1] * far),
        cohort=np.full(n, -1),
        site=np.zeros(n, dtype=np.int64),
        window=np.zeros(n, dtype=np.int64),
    )
    trips = plan(pax, PLACES, KINDS).trips
    return sorted(trips, key=lambda t: t.stops[0].origin)


def test_moving_a_passenger_adds_a_stop_on_the_target_and_recomputes_both_routes():
    first, second = two_trips()
    src, dst = move(first, second, [0], PLACES, KINDS)

    assert sorted(src.seats) == [1, 2] and src.load == 2
    assert dst.load == 4 and dst.seats[0] == 4
    assert {s.origin for s in dst.stops} == {0, 1}
    assert dst.km > second.km and dst.hours > second.hours
    assert dst.stops[0].offset_hours == 0.0
    assert first.load == 3 and second.load == 3  # the inputs are not modified


def test_a_move_that_exceeds_the_target_seats_is_refused():
    first, second = two_trips()
    with pytest.raises(ValueError, match="too few free seats"):
        move(first, second, [0, 1], PLACES, KINDS)


def test_moving_the_last_passenger_cancels_the_source_trip():
    first, second = two_trips(near=1)
    src, dst = move(first, second, [0], PLACES, KINDS)
    assert src.cancelled and src.seats == {} and dst.load == 4


def test_departed_trips_never_change_by_hand():
    first, second = two_trips()
    first.departed = True
    with pytest.raises(ValueError, match="planned trip"):
        move(first, second, [0], PLACES, KINDS)
    with pytest.raises(ValueError, match="planned trip"):
        drop(first, [0], PLACES, KINDS)


def test_a_faster_vehicle_shortens_the_times_and_keeps_the_seats():
    first, _ = two_trips(near=3)
    big = change_vehicle(first, 1, PLACES, KINDS)
    assert big.vehicle == 1 and big.hours == pytest.approx(first.hours * 60 / 70)
    assert sorted(change_vehicle(drop(big, [0], PLACES, KINDS), 0, PLACES, KINDS).seats.values()) == [2, 3]


def six_on_a_coach():
    pax = Passengers(id=np.arange(6), origin=np.zeros(6), cohort=np.full(6, -1), site=np.zeros(6), window=np.zeros(6))
    trip = plan(pax, PLACES, KINDS).trips[0]
    assert trip.vehicle == 1 and sorted(trip.seats.values()) == [1, 2, 3, 4, 5, 6]
    return trip


def test_a_smaller_vehicle_renumbers_seats_beyond_its_size_in_order():
    trip = drop(six_on_a_coach(), [0, 1, 2], PLACES, KINDS)
    small = change_vehicle(trip, 0, PLACES, KINDS)
    assert small.seats == {3: 1, 4: 2, 5: 3}


def test_a_vehicle_too_small_for_the_riders_is_refused():
    with pytest.raises(ValueError, match="too few seats"):
        change_vehicle(six_on_a_coach(), 0, PLACES, KINDS)


def test_dropping_keeps_the_others_seats():
    first, _ = two_trips(near=3)
    kept = drop(first, [first.stops[0].passengers[1]], PLACES, KINDS)
    assert sorted(kept.seats.values()) == [1, 3]
