"""Tests of the dispatch planner (dispatch/planner.py): hand-made optima, properties, re-planning."""

import copy
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.planner import (
    Passengers,
    Places,
    VehicleType,
    great_circle_km,
    plan,
    replan,
)

COACH = VehicleType("coach", 45, 8.0, 70.0)
LARGE = VehicleType("large coach", 53, 9.5, 70.0)
TRAIN = VehicleType("train coach", 118, 20.0, 90.0)
COACHES = [COACH, LARGE]
ALL = [COACH, LARGE, TRAIN]

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def passengers(origins, cohorts=None, sites=None, windows=None, ids=None):
    n = len(origins)
    return Passengers(
        id=np.arange(n) if ids is None else ids,
        origin=origins,
        cohort=np.full(n, -1) if cohorts is None else cohorts,
        site=np.zeros(n) if sites is None else sites,
        window=np.zeros(n) if windows is None else windows,
    )


def places(origins, prefectures=None, sites=((23.13, 113.26),)):
    """Origins and sites as (lat, lng) pairs; one prefecture per origin unless given."""
    return Places(
        origin_lat=[o[0] for o in origins],
        origin_lng=[o[1] for o in origins],
        origin_prefecture=list(range(len(origins))) if prefectures is None else prefectures,
        site_lat=[s[0] for s in sites],
        site_lng=[s[1] for s in sites],
    )


def gc(a, b):
    return float(great_circle_km(a[0], a[1], b[0], b[1]))


def check_plan(all_trips, pax, pl, vehicles, *, road=1.3, detour_factor=1.5, max_stops=6, prefecture_clusters=True):
    """Every invariant a plan must keep; returns the trips that are not cancelled."""
    trips = [t for t in all_trips if not t.cancelled]
    info = {
        int(p): (int(o), int(c), int(s), int(w))
        for p, o, c, s, w in zip(pax.id, pax.origin, pax.cohort, pax.site, pax.window, strict=True)
    }
    seen = []
    for t in trips:
        seats = vehicles[t.vehicle].seats
        on = [p for s in t.stops for p in s.passengers]
        seen.extend(on)
        assert sorted(on) == sorted(t.seats)
        assert 0 < len(on) <= seats
        assert sorted(t.seats.values()) == sorted(set(t.seats.values()))
        assert all(1 <= v <= seats for v in t.seats.values())
        assert len(t.stops) <= max_stops
        assert len({s.origin for s in t.stops}) == len(t.stops)
        for s in t.stops:
            for p in s.passengers:
                assert info[p][0] == s.origin
                assert (info[p][2], info[p][3]) == (t.site, t.window)
        if prefecture_clusters:
            assert len({int(pl.origin_prefecture[s.origin]) for s in t.stops}) == 1
        pts = [(pl.origin_lat[s.origin], pl.origin_lng[s.origin]) for s in t.stops]
        site = (pl.site_lat[t.site], pl.site_lng[t.site])
        legs = [gc(pts[i], pts[i + 1]) for i in range(len(pts) - 1)] + [gc(pts[-1], site)]
        far = max(gc(p, site) for p in pts)
        assert sum(legs) <= detour_factor * far + 1e-6
        assert t.km == pytest.approx(road * sum(legs), rel=1e-9, abs=1e-9)
        speed = vehicles[t.vehicle].speed_kmh
        assert t.hours == pytest.approx(t.km / speed, rel=1e-9, abs=1e-9)
        offsets = [s.offset_hours for s in t.stops]
        assert offsets[0] == 0.0
        assert offsets == sorted(offsets)
        assert offsets[-1] <= t.hours + 1e-9
    assert sorted(seen) == sorted(info)
    cohorts = {}
    for t in trips:
        for p in t.seats:
            if info[p][1] >= 0:
                cohorts.setdefault(info[p][1], []).append((t, t.seats[p]))
    for members in cohorts.values():
        assert len({id(t) for t, _ in members}) == 1
        seats = sorted(s for _, s in members)
        assert seats == list(range(seats[0], seats[0] + len(seats)))
    return trips


# --- hand-made cases -----------------------------------------------------------------------------


def test_ninety_passengers_from_one_county_take_two_coaches_of_45():
    pl = places([(30.6, 104.1)])
    pax = passengers(np.zeros(90))
    result = plan(pax, pl, COACHES)
    trips = check_plan(result.trips, pax, pl, COACHES)
    assert [(t.vehicle, t.load) for t in trips] == [(0, 45), (0, 45)]
    assert result.groups[0].lower_bound == 2
    assert result.groups[0].vehicles == 2


def test_forty_six_passengers_take_one_large_coach():
    pl = places([(30.6, 104.1)])
    pax = passengers(np.zeros(46))
    trips = check_plan(plan(pax, pl, COACHES).trips, pax, pl, COACHES)
    assert [(COACHES[t.vehicle].name, t.load) for t in trips] == [("large coach", 46)]


def test_fewer_vehicles_win_over_cheaper_ones():
    pl = places([(30.6, 104.1)])
    pax = passengers(np.zeros(90))
    trips = check_plan(plan(pax, pl, ALL).trips, pax, pl, ALL)
    assert [(ALL[t.vehicle].name, t.load) for t in trips] == [("train coach", 90)]


def test_a_cohort_of_ten_with_forty_singles_is_never_split_and_no_coach_overflows():
    pl = places([(30.6, 104.1)])
    cohorts = np.array([7] * 10 + [-1] * 40)
    pax = passengers(np.zeros(50), cohorts=cohorts, ids=np.arange(100, 150))
    result = plan(pax, pl, [COACH])
    trips = check_plan(result.trips, pax, pl, [COACH])
    assert len(trips) == 2
    holders = [t for t in trips if 100 in t.seats]
    assert all(p in holders[0].seats for p in range(100, 110))
    assert max(t.load for t in trips) <= 45


def test_two_prefectures_far_apart_never_share_a_vehicle():
    pl = places([(30.6, 104.1), (34.7, 113.6)], prefectures=[5101, 4101])
    pax = passengers(np.array([0] * 10 + [1] * 10))
    result = plan(pax, pl, COACHES)
    trips = check_plan(result.trips, pax, pl, COACHES)
    assert sorted(tuple(s.origin for s in t.stops) for t in trips) == [(0,), (1,)]
    assert result.groups[0].lower_bound == 1
    assert result.groups[0].vehicles == 2


def test_nearby_prefectures_share_a_vehicle_when_clustering_by_radius():
    pl = places([(30.60, 104.10), (30.70, 104.30)], prefectures=[5101, 5106])
    pax = passengers(np.array([0] * 10 + [1] * 10))
    assert len(plan(pax, pl, COACHES).trips) == 2
    result = plan(pax, pl, COACHES, cluster=50.0)
    trips = check_plan(result.trips, pax, pl, COACHES, prefecture_clusters=False)
    assert len(trips) == 1


def test_detour_limit_splits_a_vehicle_whose_pickups_lie_on_opposite_sides():
    # Same prefecture code, but one pickup lies beyond the site as seen from the other.
    pl = places([(30.0, 100.0), (30.0, 118.0)], prefectures=[1, 1], sites=[(30.0, 110.0)])
    pax = passengers(np.array([0] * 10 + [1] * 10))
    trips = check_plan(plan(pax, pl, COACHES).trips, pax, pl, COACHES)
    assert len(trips) == 2
    loose = plan(pax, pl, COACHES, detour_factor=4.0)
    assert len(check_plan(loose.trips, pax, pl, COACHES, detour_factor=4.0)) == 1


def test_pickup_order_starts_farthest_and_ends_nearest_the_site():
    site = (23.13, 113.26)
    line = [(23.13 + 2.0 * k, 113.26 - 1.0 * k) for k in (2, 5, 1, 4, 3)]
    pl = places(line, prefectures=[9] * 5, sites=[site])
    pax = passengers(np.array([0, 1, 2, 3, 4] * 4))
    trips = check_plan(plan(pax, pl, COACHES, detour_factor=1.5).trips, pax, pl, COACHES)
    assert len(trips) == 1
    assert [s.origin for s in trips[0].stops] == [1, 3, 4, 0, 2]


def test_pickup_times_and_arrival_follow_road_distance_and_speed():
    a, b, site = (31.0, 112.0), (30.5, 112.5), (23.13, 113.26)
    pl = places([a, b], prefectures=[1, 1], sites=[site])
    pax = passengers(np.array([0, 1]))
    (trip,) = plan(pax, pl, COACHES, road_factor=1.25).trips
    assert [s.origin for s in trip.stops] == [0, 1]
    assert trip.stops[1].offset_hours == pytest.approx(1.25 * gc(a, b) / 70.0)
    assert trip.km == pytest.approx(1.25 * (gc(a, b) + gc(b, site)))
    assert trip.hours == pytest.approx(trip.km / 70.0)


def test_stop_limit_caps_pickups_per_vehicle():
    pts = [(30.0 + 0.05 * k, 104.0 + 0.05 * k) for k in range(8)]
    pl = places(pts, prefectures=[3] * 8)
    pax = passengers(np.arange(8))
    trips = check_plan(plan(pax, pl, COACHES, max_stops=3).trips, pax, pl, COACHES, max_stops=3)
    assert sorted(len(t.stops) for t in trips) == [2, 3, 3]


def test_seat_numbers_are_unique_in_a_trip_and_consecutive_for_acohort_of():
    pl = places([(30.0, 104.0), (30.1, 104.1)], prefectures=[3, 3])
    cohorts = np.array([-1, 4, -1, 4, 4, -1, 9, 9, -1, -1])
    pax = passengers(np.array([0, 1, 0, 1, 1, 1, 0, 0, 1, 0]), cohorts=cohorts)
    (trip,) = plan(pax, pl, COACHES).trips
    assert sorted(trip.seats.values()) == list(range(1, 11))
    for c in (4, 9):
        seats = sorted(trip.seats[int(p)] for p in np.flatnonzero(cohorts == c))
        assert seats == list(range(seats[0], seats[0] + len(seats)))


def test_groups_split_by_site_and_window_and_report_bounds():
    pl = places([(30.0, 104.0)], sites=[(23.1, 113.3), (31.2, 121.5)])
    pax = passengers(np.zeros(120), sites=np.repeat([0, 1, 0], 40), windows=np.repeat([0, 0, 1], 40))
    result = plan(pax, pl, COACHES)
    check_plan(result.trips, pax, pl, COACHES)
    assert [(g.site, g.window, g.passengers, g.lower_bound, g.vehicles) for g in result.groups] == [
        (0, 0, 40, 1, 1),
        (0, 1, 40, 1, 1),
        (1, 0, 40, 1, 1),
    ]
    assert result.vehicles == 3
    assert result.lower_bound == 3


def test_cohorts_spanning_origins_or_larger_than_any_vehicle_are_rejected():
    pl = places([(30.0, 104.0), (30.1, 104.1)], prefectures=[3, 3])
    with pytest.raises(ValueError, match="origin"):
        plan(passengers(np.array([0, 1]), cohorts=np.array([1, 1])), pl, COACHES)
    with pytest.raises(ValueError, match="larger"):
        plan(passengers(np.zeros(54), cohorts=np.ones(54)), pl, COACHES)


def test_an_empty_passenger_set_yields_an_empty_plan():
    result = plan(passengers(np.zeros(0)), places([(30.0, 104.0)]), COACHES)
    assert result.trips == []
    assert result.groups == []


# --- properties on random small instances --------------------------------------------------------


@st.composite
def instances(draw):
    n_origins = draw(st.integers(1, 8))
    n_prefs = draw(st.integers(1, 3))
    pts = [(draw(st.floats(26.0, 34.0)), draw(st.floats(102.0, 112.0))) for _ in range(n_origins)]
    prefs = [draw(st.integers(0, n_prefs - 1)) for _ in range(n_origins)]
    sites = [(draw(st.floats(21.0, 32.0)), draw(st.floats(112.0, 122.0))) for _ in range(draw(st.integers(1, 2)))]
    origins, cohorts, site_of, window_of = [], [], [], []
    cohort_id = 0
    for _ in range(draw(st.integers(0, 25))):
        size = draw(st.sampled_from([1, 1, 2, 3, 6, 9, 20]))
        as_cohort = draw(st.booleans()) and size <= 20
        o = draw(st.integers(0, n_origins - 1))
        s = draw(st.integers(0, len(sites) - 1))
        w = draw(st.integers(0, 1))
        for _ in range(size):
            origins.append(o)
            cohorts.append(cohort_id if as_cohort else -1)
            site_of.append(s)
            window_of.append(w)
        cohort_id += as_cohort
    ids = draw(st.permutations(range(1000, 1000 + len(origins)))) if origins else []
    pax = Passengers(
        id=np.array(ids, dtype=np.int64),
        origin=np.array(origins, dtype=np.int64),
        cohort=np.array(cohorts, dtype=np.int64),
        site=np.array(site_of, dtype=np.int64),
        window=np.array(window_of, dtype=np.int64),
    )
    vehicles = draw(st.sampled_from([[COACH], COACHES, ALL, [VehicleType("minibus", 20, 3.0, 80.0), COACH]]))
    params = {
        "detour_factor": draw(st.sampled_from([1.1, 1.5, 3.0])),
        "max_stops": draw(st.integers(1, 6)),
    }
    return pax, places(pts, prefectures=prefs, sites=sites), vehicles, params


@FAST
@given(instances())
def test_random_plans_keep_capacity_cohorts_and_every_passenger_once_above_the_bound(inst):
    pax, pl, vehicles, params = inst
    result = plan(pax, pl, vehicles, **params)
    trips = check_plan(result.trips, pax, pl, vehicles, **params)
    cmax = max(v.seats for v in vehicles)
    assert sum(g.passengers for g in result.groups) == len(pax)
    for g in result.groups:
        assert g.lower_bound == math.ceil(g.passengers / cmax)
        assert g.vehicles == sum(1 for t in trips if (t.site, t.window) == (g.site, g.window))
        assert g.vehicles >= g.lower_bound
    # Deterministic: the same input gives the same plan.
    assert plan(pax, pl, vehicles, **params).trips == result.trips


@FAST
@given(instances(), st.data())
def test_random_replans_keep_the_invariants_leave_departed_trips_and_are_idempotent(inst, data):
    pax, pl, vehicles, params = inst
    previous = plan(pax, pl, vehicles, **params).trips
    for t in previous:
        t.departed = data.draw(st.booleans())
    keep = np.array([data.draw(st.booleans()) for _ in range(len(pax))], dtype=bool)
    # Members of a cohort on a departed trip stay; dropping part of a cohort is fine otherwise.
    n_new = data.draw(st.integers(0, 12))
    origins = [data.draw(st.integers(0, len(pl.origin_lat) - 1)) for _ in range(n_new)]
    sites = [data.draw(st.integers(0, len(pl.site_lat) - 1)) for _ in range(n_new)]
    new = Passengers(
        id=np.concatenate([pax.id[keep], np.arange(5000, 5000 + n_new)]),
        origin=np.concatenate([pax.origin[keep], origins]),
        cohort=np.concatenate([pax.cohort[keep], np.full(n_new, -1)]),
        site=np.concatenate([pax.site[keep], sites]),
        window=np.concatenate([pax.window[keep], np.zeros(n_new)]),
    )
    frozen = copy.deepcopy(previous)
    trips, changed = replan(previous, new, pl, vehicles, **params)
    assert previous == frozen  # the input is not modified
    for i, t in enumerate(previous):
        if t.departed:
            assert trips[i] == t
            assert i not in changed
        else:
            assert (trips[i] != t) == (i in changed)
    assert set(range(len(previous), len(trips))) <= changed
    on_departed = {p for t in previous if t.departed for p in t.seats}
    live = np.array([int(p) not in on_departed for p in new.id], dtype=bool)
    rest = Passengers(new.id[live], new.origin[live], new.cohort[live], new.site[live], new.window[live])

    check_plan([t for t in trips if not t.departed], rest, pl, vehicles, **params)
    again, changed_again = replan(trips, new, pl, vehicles, **params)
    assert changed_again == set()
    assert again == trips


# --- re-planning ---------------------------------------------------------------------------------


def three_trips():
    """Two full coaches from county 0 and a half-full one from county 1 (other prefecture)."""
    pl = places([(30.6, 104.1), (34.7, 113.6)], prefectures=[51, 41])
    pax = passengers(np.array([0] * 90 + [1] * 20))
    return pax, pl, plan(pax, pl, COACHES).trips


def subset(pax, mask):
    return Passengers(pax.id[mask], pax.origin[mask], pax.cohort[mask], pax.site[mask], pax.window[mask])


def test_replanning_with_the_same_input_changes_nothing():
    pax, pl, trips = three_trips()
    again, changed = replan(trips, pax, pl, COACHES)
    assert changed == set()
    assert again == trips


def test_a_cancellation_changes_only_its_trip_and_frees_its_seat():
    pax, pl, trips = three_trips()
    gone = 3
    holder = next(i for i, t in enumerate(trips) if gone in t.seats)
    new, changed = replan(trips, subset(pax, pax.id != gone), pl, COACHES)
    assert changed == {holder}
    assert gone not in new[holder].seats
    assert new[holder].load == trips[holder].load - 1
    assert all(new[holder].seats[p] == s for p, s in trips[holder].seats.items() if p != gone)
    assert [t for i, t in enumerate(new) if i != holder] == [t for i, t in enumerate(trips) if i != holder]


def test_a_trip_whose_passengers_all_cancel_is_cancelled():
    pax, pl, trips = three_trips()
    small = next(i for i, t in enumerate(trips) if t.stops[0].origin == 1)
    new, changed = replan(trips, subset(pax, pax.origin == 0), pl, COACHES)
    assert changed == {small}
    assert new[small].cancelled
    assert new[small].seats == {}


def test_adding_a_passenger_with_free_seats_in_the_group_changes_one_trip():
    pax, pl, trips = three_trips()
    more = Passengers(
        np.append(pax.id, 999),
        np.append(pax.origin, 1),
        np.append(pax.cohort, -1),
        np.append(pax.site, 0),
        np.append(pax.window, 0),
    )
    new, changed = replan(trips, more, pl, COACHES)
    assert len(new) == len(trips)
    (i,) = changed
    assert new[i].stops[0].origin == 1
    assert new[i].seats[999] == 21
    assert all(new[i].seats[p] == s for p, s in trips[i].seats.items())


def test_a_passenger_from_a_new_county_joins_a_trip_of_its_prefecture_with_a_new_stop():
    pl = places([(30.6, 104.1), (30.7, 104.2)], prefectures=[51, 51])
    pax = passengers(np.zeros(10))
    trips = plan(pax, pl, COACHES).trips
    more = passengers(np.array([0] * 10 + [1]))
    new, changed = replan(trips, more, pl, COACHES)
    assert changed == {0}
    assert len(new) == 1
    assert {s.origin for s in new[0].stops} == {0, 1}
    check_plan(new, more, pl, COACHES)


def test_passengers_beyond_the_free_seats_get_a_new_trip():
    pax, pl, trips = three_trips()
    n = 30
    more = Passengers(
        np.concatenate([pax.id, 1000 + np.arange(n)]),
        np.concatenate([pax.origin, np.zeros(n)]),
        np.concatenate([pax.cohort, np.full(n, -1)]),
        np.concatenate([pax.site, np.zeros(n)]),
        np.concatenate([pax.window, np.zeros(n)]),
    )
    new, changed = replan(trips, more, pl, COACHES)
    assert changed == {3}
    assert new[:3] == trips
    assert new[3].load == 30


def test_departed_trips_never_change():
    pax, pl, trips = three_trips()
    trips[0].departed = True
    first = next(iter(trips[0].seats))
    new, changed = replan(trips, subset(pax, pax.id != first), pl, COACHES)
    assert new[0] == trips[0]
    assert 0 not in changed


def test_a_new_cohort_member_moves_in_with_its_cohort_on_consecutive_seats():
    pl = places([(30.6, 104.1)])
    cohorts = np.array([5, 5, 5] + [-1] * 10)
    pax = passengers(np.zeros(13), cohorts=cohorts)
    trips = plan(pax, pl, COACHES).trips
    more = passengers(np.zeros(14), cohorts=np.append(cohorts, 5))
    new, changed = replan(trips, more, pl, COACHES)
    assert changed == {0}
    check_plan(new, more, pl, COACHES)


def test_a_full_coach_is_upgraded_when_that_saves_a_vehicle():
    pl = places([(30.6, 104.1)])
    trips = plan(passengers(np.zeros(45)), pl, COACHES).trips
    assert [COACHES[t.vehicle].name for t in trips] == ["coach"]
    more = passengers(np.zeros(48))
    new, changed = replan(trips, more, pl, COACHES)
    assert changed == {0}
    assert [(COACHES[t.vehicle].name, t.load) for t in new] == [("large coach", 48)]
    assert all(new[0].seats[p] == s for p, s in trips[0].seats.items())


def test_a_passenger_moved_to_another_window_leaves_its_trip_for_the_new_group():
    pax, pl, trips = three_trips()
    window = pax.window.copy()
    window[pax.id == 0] = 3
    moved = Passengers(pax.id, pax.origin, pax.cohort, pax.site, window)
    new, changed = replan(trips, moved, pl, COACHES)
    holder = next(i for i, t in enumerate(trips) if 0 in t.seats)
    assert changed == {holder, 3}
    assert 0 not in new[holder].seats
    assert (new[3].window, list(new[3].seats)) == (3, [0])


def test_a_trip_that_loses_its_farthest_stop_splits_when_the_rest_would_break_the_detour_limit():
    pl = places([(30.0, 100.0), (28.9, 104.8), (32.0, 104.7)], prefectures=[1, 1, 1], sites=[(30.0, 110.0)])
    pax = passengers(np.array([0, 1, 2]))
    (trip,) = plan(pax, pl, COACHES).trips
    assert [s.origin for s in trip.stops] == [0, 2, 1]
    rest = subset(pax, pax.origin != 0)
    new, changed = replan([trip], rest, pl, COACHES)
    assert changed == {0, 1}
    assert sorted(tuple(s.origin for s in t.stops) for t in new) == [(1,), (2,)]
    check_plan(new, rest, pl, COACHES)


def test_replanning_adds_no_stop_beyond_the_limit():
    pl = places([(30.0, 104.0), (30.1, 104.1), (30.2, 104.2)], prefectures=[3, 3, 3])
    trips = plan(passengers(np.array([0, 1])), pl, COACHES, max_stops=2).trips
    assert len(trips) == 1
    more = passengers(np.array([0, 1, 2]))
    new, changed = replan(trips, more, pl, COACHES, max_stops=2)
    assert changed == {1}
    assert [s.origin for s in new[1].stops] == [2]
    check_plan(new, more, pl, COACHES, max_stops=2)
