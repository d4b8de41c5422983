"""Point-to-point dispatch planner: chartered vehicles from home counties to factory sites.

Pure Python + numpy (no Django), so the services layer can call it with arrays read from the
database and store the returned trips.

API
---
``great_circle_km(lat1, lng1, lat2, lng2) -> ndarray``
    Haversine distance in km, broadcasting over numpy arrays.

``VehicleType(name, seats, cost_per_km, speed_kmh)``
    A kind of vehicle (coach 45 seats, large coach 53, train coach 118 ...). Trips refer to it by
    index into the ``vehicles`` sequence passed to the planner.

``Passengers(id, origin, cohort, site, window)``
    One row per passenger (int64 arrays of equal length, unique ids). ``origin`` indexes the
    origin points of ``Places``, ``site`` the sites, ``cohort`` is -1 for a passenger travelling
    alone, otherwise a cohort id; every member of a cohort must share origin, site and window
    (ValueError otherwise) and a cohort may not exceed the largest vehicle. ``window`` is the
    travel day index.

``Places(origin_lat, origin_lng, origin_prefecture, site_lat, site_lng)``
    Coordinates in degrees; ``origin_prefecture`` is an int code used for clustering.

``plan(passengers, places, vehicles, *, road_factor=1.3, detour_factor=1.5, max_stops=6,
cluster="prefecture") -> Plan``
    ``Plan.trips`` is a list of ``Trip`` (site, window, vehicle, stops, km, hours, seats,
    departed, cancelled, and the ``load`` property); ``Trip.stops`` is the ordered pickup list of
    ``Stop(origin, passengers, offset_hours)`` where ``offset_hours`` is the time after departure
    from the first stop; ``Trip.km`` is the road distance (great circle x road factor) from the
    first stop via all stops to the site; ``Trip.hours`` is the expected arrival at the site
    (hours after departure); ``Trip.seats`` maps passenger id to seat number (1..seats, a cohort
    on consecutive seats). ``Plan.groups`` lists per (site, window) group the passenger count,
    the lower bound ceil(passengers / largest seats) and the vehicles used. ``cluster`` is
    "prefecture" (only origins with the same prefecture code share a vehicle) or a radius in km
    (greedy leader clustering: the farthest unclustered origin from the site leads, every
    unclustered origin within the radius of it joins).

``replan(previous, passengers, places, vehicles, **same) -> Replanned(trips, changed)``
    Keeps ``previous[i]`` at index ``i`` of the returned list (modified, unchanged or with
    ``cancelled=True``), appends new trips after them, and returns in ``changed`` the indexes of
    trips that differ from the previous plan or are new. The input is not modified. Passengers
    no longer present (or whose origin, site or window moved) free their seats; a trip left
    empty is cancelled; a trip whose remaining stops break the detour limit (its farthest stop
    may have gone) keeps the stops that fit and releases the others' passengers to be placed
    again. A cohort whose members are no longer together on consecutive seats of one trip is
    lifted out and re-placed whole. Unplaced passengers go first into existing trips of their
    group and cluster with room (largest units first; preferring trips already stopping at their
    origin, then the least extra km, then the lowest index), subject to the stop and detour
    limits, then into new trips planned as ``plan`` does. A second pass may upgrade existing
    trips to a larger vehicle type to absorb the rest; it is kept only when it saves new
    vehicles. Existing passengers keep their seat numbers unless a trip's free seats are too
    fragmented for a cohort, in which case that trip is re-seated. Departed trips never change;
    cancelled trips are never reused. Re-planning with the same input returns no changes. A trip
    that only lost passengers keeps its vehicle type.

``drop(trip, pids, ...)``, ``move(source, target, pids, ...)``, ``change_vehicle(trip, vehicle, ...)``
    Hand changes by staff, on copies of planned trips: capacity holds, the stop and detour limits
    are not applied (staff decide), times and km are recomputed. Their results are meant to be
    kept as departed trips are (the services layer marks such trips pinned).

Heuristic
---------
Objective: fewest vehicles, then fewest km (then lowest cost). Passengers are split into
(site, window) groups, each group into origin clusters (no vehicle crosses a cluster). Within a
cluster, vehicles are filled one at a time with capacity C: the vehicle starts at the farthest
origin (great circle to the site, ties by index) that still has passengers, takes its cohorts
(largest first, indivisible) and then its single passengers (divisible across vehicles), and
while seats and stops remain it adds the origin with the cheapest insertion (extra km; insertion
after the first stop, so the first stop stays the farthest) whose route still satisfies the
detour limit: route km from the first stop via all stops to the site <= detour_factor x the
direct distance from the farthest stop to the site. So the detour limit and the stop limit hold
by construction. The cluster is packed with C = the largest seats and with every smaller seat
count that needs no more vehicles by count; the packing with (fewest vehicles, km, cost) is kept.
Each vehicle is then right-sized to the cheapest type (cost per km, then seats, then index)
whose seats fit its load. Seats are numbered in pickup order, cohorts first at each stop.
Deterministic: every choice breaks ties by index.

Optimality gap: the planner reports per group the lower bound ceil(passengers / largest seats).
The gap has three sources: the clustering itself (each cluster of a group needs its own
vehicles), the stop limit (a cluster with m origins needs at least ceil(m / max_stops)
vehicles), and detour limits or cohort fragmentation inside a cluster. Measured on the benchmark
instance (scripts/bench_dispatch.py: 100,000 passengers from 2,846 counties, 10,000 sites, 30
days, 45/53-seat coaches): 43,920 vehicles against a group bound of 21,848 (ratio 2.01), a
per-cluster bound of 43,470 (1.010) and a per-cluster bound with the stop limit of 43,872
(1.001). So the heuristic is within 0.1% of what prefecture clustering with 6 stops allows;
nearly all of the gap to the group bound is the clustering on a sparse instance (4.7 passengers
per group on average), which clustering by a radius (``cluster=150.0``) reduces a little.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
_EPS = 1e-9

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def great_circle_km(lat1: npt.ArrayLike, lng1: npt.ArrayLike, lat2: npt.ArrayLike, lng2: npt.ArrayLike) -> FloatArray:
    """Haversine distance in km between points given in degrees (numpy broadcasting)."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dl = np.radians(np.asarray(lng2, dtype=np.float64) - np.asarray(lng1, dtype=np.float64))
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def _gc(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    a = math.sin((p2 - p1) / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


@dataclass(frozen=True)
class VehicleType:
    name: str
    seats: int
    cost_per_km: float
    speed_kmh: float


def _int_array(values: npt.ArrayLike) -> IntArray:
    return np.ascontiguousarray(np.asarray(values, dtype=np.int64).reshape(-1))


def _float_array(values: npt.ArrayLike) -> FloatArray:
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64).reshape(-1))


@dataclass(frozen=True, eq=False)
class Passengers:
    id: IntArray
    origin: IntArray
    cohort: IntArray
    site: IntArray
    window: IntArray

    def __post_init__(self) -> None:
        for name in ("id", "origin", "cohort", "site", "window"):
            object.__setattr__(self, name, _int_array(getattr(self, name)))
        n = len(self.id)
        if any(len(getattr(self, name)) != n for name in ("origin", "cohort", "site", "window")):
            raise ValueError("passenger arrays differ in length")
        if len(np.unique(self.id)) != n:
            raise ValueError("passenger ids are not unique")

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True, eq=False)
class Places:
    origin_lat: FloatArray
    origin_lng: FloatArray
    origin_prefecture: IntArray
    site_lat: FloatArray
    site_lng: FloatArray

    def __post_init__(self) -> None:
        for name in ("origin_lat", "origin_lng", "site_lat", "site_lng"):
            object.__setattr__(self, name, _float_array(getattr(self, name)))
        object.__setattr__(self, "origin_prefecture", _int_array(self.origin_prefecture))
        if not len(self.origin_lat) == len(self.origin_lng) == len(self.origin_prefecture):
            raise ValueError("origin arrays differ in length")
        if len(self.site_lat) != len(self.site_lng):
            raise ValueError("site arrays differ in length")


@dataclass
class Stop:
    origin: int
    passengers: list[int]
    offset_hours: float = 0.0


@dataclass
class Trip:
    site: int
    window: int
    vehicle: int
    stops: list[Stop]
    km: float
    hours: float
    seats: dict[int, int] = field(default_factory=dict)
    departed: bool = False
    cancelled: bool = False

    @property
    def load(self) -> int:
        return len(self.seats)


@dataclass(frozen=True)
class GroupBound:
    site: int
    window: int
    passengers: int
    lower_bound: int
    vehicles: int


@dataclass
class Plan:
    trips: list[Trip]
    groups: list[GroupBound]

    @property
    def vehicles(self) -> int:
        return sum(1 for t in self.trips if not t.cancelled)

    @property
    def lower_bound(self) -> int:
        return sum(g.lower_bound for g in self.groups)


class Replanned(NamedTuple):
    trips: list[Trip]
    changed: set[int]


# A unit of passengers boarding together: (cohort id or -1, passenger ids).
_Unit = tuple[int, list[int]]


class _Ctx:
    def __init__(
        self,
        places: Places,
        vehicles: Sequence[VehicleType],
        road_factor: float,
        detour_factor: float,
        max_stops: int,
        cluster: str | float,
    ) -> None:
        if not vehicles:
            raise ValueError("no vehicle types")
        if any(v.seats < 1 or v.speed_kmh <= 0 for v in vehicles):
            raise ValueError("vehicle types need seats >= 1 and a positive speed")
        if max_stops < 1 or detour_factor < 1.0 or road_factor <= 0:
            raise ValueError("max_stops >= 1, detour_factor >= 1 and road_factor > 0 are required")
        self.places = places
        self.vehicles = list(vehicles)
        self.road = float(road_factor)
        self.detour = float(detour_factor)
        self.max_stops = int(max_stops)
        if cluster == "prefecture":
            self.radius: float | None = None
        elif isinstance(cluster, str):
            raise ValueError('cluster is "prefecture" or a radius in km')
        else:
            self.radius = float(cluster)
        self.olat: list[float] = places.origin_lat.tolist()
        self.olng: list[float] = places.origin_lng.tolist()
        self.pref: list[int] = places.origin_prefecture.tolist()
        self.slat: list[float] = places.site_lat.tolist()
        self.slng: list[float] = places.site_lng.tolist()
        self.seats = [v.seats for v in self.vehicles]
        self.cmax = max(self.seats)
        self.by_cost = sorted(
            range(len(self.vehicles)), key=lambda i: (self.vehicles[i].cost_per_km, self.vehicles[i].seats, i)
        )
        self.capacities = sorted(set(self.seats))

    def right_size(self, load: int) -> int:
        for i in self.by_cost:
            if self.seats[i] >= load:
                return i
        raise ValueError(f"load {load} exceeds the largest vehicle")

    def d_oo(self, a: int, b: int) -> float:
        return _gc(self.olat[a], self.olng[a], self.olat[b], self.olng[b])

    def d_os(self, o: int, s: int) -> float:
        return _gc(self.olat[o], self.olng[o], self.slat[s], self.slng[s])

    def route_gc(self, route: Sequence[int], site: int) -> float:
        total = sum(self.d_oo(route[i], route[i + 1]) for i in range(len(route) - 1))
        return total + self.d_os(route[-1], site)

    def route_ok(self, route: Sequence[int], site: int) -> bool:
        if len(route) > self.max_stops:
            return False
        far = max(self.d_os(o, site) for o in route)
        return self.route_gc(route, site) <= self.detour * far * (1 + _EPS) + _EPS

    def same_cluster(self, a: int, b: int) -> bool:
        if self.radius is None:
            return self.pref[a] == self.pref[b]
        return self.d_oo(a, b) <= self.radius


def _validate(passengers: Passengers, ctx: _Ctx) -> None:
    n_origins = len(ctx.olat)
    n_sites = len(ctx.slat)
    if len(passengers) == 0:
        return
    if passengers.origin.min() < 0 or passengers.origin.max() >= n_origins:
        raise ValueError("origin index out of range")
    if passengers.site.min() < 0 or passengers.site.max() >= n_sites:
        raise ValueError("site index out of range")
    mask = passengers.cohort >= 0
    if mask.any():
        c = passengers.cohort[mask]
        order = np.argsort(c, kind="stable")
        c = c[order]
        for name in ("origin", "site", "window"):
            v = getattr(passengers, name)[mask][order]
            if np.any((c[1:] == c[:-1]) & (v[1:] != v[:-1])):
                raise ValueError(f"a cohort's members differ in {name}")
        _, counts = np.unique(c, return_counts=True)
        if counts.max() > ctx.cmax:
            raise ValueError("a cohort is larger than the largest vehicle")


def _set_geometry(ctx: _Ctx, trip: Trip) -> None:
    """Recompute km, arrival and pickup offsets of a trip from its stop order and vehicle."""
    speed = ctx.vehicles[trip.vehicle].speed_kmh
    km = 0.0
    for i, stop in enumerate(trip.stops):
        stop.offset_hours = km / speed
        if i + 1 < len(trip.stops):
            km += ctx.road * ctx.d_oo(stop.origin, trip.stops[i + 1].origin)
    km += ctx.road * ctx.d_os(trip.stops[-1].origin, trip.site)
    trip.km = km
    trip.hours = km / speed


def _unit_key(unit: _Unit) -> tuple[bool, int, int]:
    return (unit[0] < 0, unit[0], unit[1][0])


def _make_trip(ctx: _Ctx, site: int, window: int, route: list[int], units: dict[int, list[_Unit]]) -> Trip:
    seats: dict[int, int] = {}
    stops: list[Stop] = []
    for o in route:
        pids: list[int] = []
        for unit in sorted(units[o], key=_unit_key):
            for p in unit[1]:
                seats[p] = len(seats) + 1
                pids.append(p)
        stops.append(Stop(origin=o, passengers=pids))
    trip = Trip(
        site=site, window=window, vehicle=ctx.right_size(len(seats)), stops=stops, km=0.0, hours=0.0, seats=seats
    )
    _set_geometry(ctx, trip)
    return trip


# A packed vehicle: (route as local indexes, units per local index, load, great-circle length).
_Packed = tuple[list[int], dict[int, list[_Unit]], int, float]


def _pack(
    ds: list[float],
    dmat: list[list[float]],
    items: list[tuple[list[_Unit], list[int]]],
    cap: int,
    detour: float,
    max_stops: int,
) -> list[_Packed]:
    """Fill vehicles of capacity ``cap`` one at a time (see the module docstring)."""
    m = len(ds)
    cohorts = [list(c) for c, _ in items]
    singles = [s for _, s in items]
    s_pos = [0] * m
    remaining = [sum(len(u[1]) for u in c) + len(s) for c, s in items]
    order = sorted(range(m), key=lambda i: (-ds[i], i))
    ptr = 0
    out: list[_Packed] = []

    def take(i: int, free: int) -> tuple[list[_Unit], int]:
        units: list[_Unit] = []
        kept: list[_Unit] = []
        taken = 0
        for unit in cohorts[i]:
            if len(unit[1]) <= free - taken:
                units.append(unit)
                taken += len(unit[1])
            else:
                kept.append(unit)
        cohorts[i] = kept
        n = min(free - taken, len(singles[i]) - s_pos[i])
        if n > 0:
            units.append((-1, singles[i][s_pos[i] : s_pos[i] + n]))
            s_pos[i] += n
            taken += n
        remaining[i] -= taken
        return units, taken

    while True:
        while ptr < m and remaining[order[ptr]] == 0:
            ptr += 1
        if ptr == m:
            break
        first = order[ptr]
        units0, load = take(first, cap)
        if load == 0:
            raise ValueError("a cohort is larger than the vehicle capacity")
        route = [first]
        units = {first: units0}
        length = ds[first]
        limit = detour * ds[first] * (1 + _EPS) + _EPS
        while load < cap and len(route) < max_stops:
            free = cap - load
            best: tuple[float, int, int] | None = None
            for i in range(m):
                if remaining[i] == 0 or i in units:
                    continue
                if s_pos[i] == len(singles[i]) and min(len(u[1]) for u in cohorts[i]) > free:
                    continue
                row = dmat[i]
                for p in range(1, len(route) + 1):
                    prev = route[p - 1]
                    if p < len(route):
                        nxt = route[p]
                        add = dmat[prev][i] + row[nxt] - dmat[prev][nxt]
                    else:
                        add = dmat[prev][i] + ds[i] - ds[prev]
                    if length + add <= limit and (best is None or (add, i) < (best[0], best[1])):
                        best = (add, i, p)
            if best is None:
                break
            add, i, p = best
            got, n = take(i, free)
            route.insert(p, i)
            units[i] = got
            load += n
            length += add
        out.append((route, units, load, length))
    return out


def _clusters(ctx: _Ctx, origins: list[int], ds: list[float]) -> list[list[int]]:
    if ctx.radius is None:
        by_pref: dict[int, list[int]] = defaultdict(list)
        for o in origins:
            by_pref[ctx.pref[o]].append(o)
        return [by_pref[k] for k in sorted(by_pref)]
    order = sorted(range(len(origins)), key=lambda i: (-ds[i], origins[i]))
    arr = np.asarray(origins, dtype=np.int64)
    lat = ctx.places.origin_lat[arr]
    lng = ctx.places.origin_lng[arr]
    free = np.ones(len(origins), dtype=bool)
    out: list[list[int]] = []
    for i in order:
        if not free[i]:
            continue
        d = great_circle_km(lat[i], lng[i], lat, lng)
        members = np.flatnonzero(free & (d <= ctx.radius))
        free[members] = False
        out.append(sorted(origins[j] for j in members.tolist()))
    return out


def _plan_group(
    ctx: _Ctx, site: int, window: int, pids: list[int], origins: list[int], cohorts: list[int]
) -> list[Trip]:
    """Trips for one (site, window) group of passengers."""
    per_origin: dict[int, tuple[dict[int, list[int]], list[int]]] = {}
    for p, o, c in zip(pids, origins, cohorts, strict=True):
        entry = per_origin.get(o)
        if entry is None:
            entry = per_origin[o] = ({}, [])
        if c < 0:
            entry[1].append(p)
        else:
            entry[0].setdefault(c, []).append(p)
    ds_of = {o: ctx.d_os(o, site) for o in per_origin}
    trips: list[Trip] = []
    uniq = sorted(per_origin)
    for members in _clusters(ctx, uniq, [ds_of[o] for o in uniq]):
        items: list[tuple[list[_Unit], list[int]]] = []
        n = 0
        for o in members:
            coh, sing = per_origin[o]
            units = sorted(((c, sorted(ps)) for c, ps in coh.items()), key=lambda u: (-len(u[1]), u[0]))
            items.append((units, sorted(sing)))
            n += len(sing) + sum(len(u[1]) for u in units)
        ds = [ds_of[o] for o in members]
        if len(members) == 1:
            dmat = [[0.0]]
        else:
            arr = np.asarray(members, dtype=np.int64)
            lat = ctx.places.origin_lat[arr]
            lng = ctx.places.origin_lng[arr]
            dmat = great_circle_km(lat[:, None], lng[:, None], lat[None, :], lng[None, :]).tolist()
        biggest = max((len(u[1]) for units, _ in items for u in units), default=1)
        need = -(-n // ctx.cmax)
        caps = [c for c in ctx.capacities if biggest <= c < n and -(-n // c) == need]
        if ctx.cmax not in caps:
            caps.append(ctx.cmax)
        best: tuple[tuple[int, float, float], list[_Packed]] | None = None
        for cap in caps:
            packed = _pack(ds, dmat, items, cap, ctx.detour, ctx.max_stops)
            km = sum(v[3] for v in packed)
            cost = sum(v[3] * ctx.vehicles[ctx.right_size(v[2])].cost_per_km for v in packed)
            key = (len(packed), round(km, 6), cost)
            if best is None or key < best[0]:
                best = (key, packed)
        if best is None:  # pragma: no cover - caps always holds the largest capacity
            raise RuntimeError("no packing")
        for route, packed_units, _, _ in best[1]:
            trips.append(
                _make_trip(
                    ctx, site, window, [members[i] for i in route], {members[i]: u for i, u in packed_units.items()}
                )
            )
    return trips


def plan(
    passengers: Passengers,
    places: Places,
    vehicles: Sequence[VehicleType],
    *,
    road_factor: float = 1.3,
    detour_factor: float = 1.5,
    max_stops: int = 6,
    cluster: str | float = "prefecture",
) -> Plan:
    """Plan trips for all passengers (see the module docstring)."""
    ctx = _Ctx(places, vehicles, road_factor, detour_factor, max_stops, cluster)
    _validate(passengers, ctx)
    trips: list[Trip] = []
    groups: list[GroupBound] = []
    if len(passengers) == 0:
        return Plan(trips, groups)
    order = np.lexsort((passengers.id, passengers.cohort, passengers.origin, passengers.window, passengers.site))
    site = passengers.site[order]
    window = passengers.window[order]
    cuts = np.flatnonzero((site[1:] != site[:-1]) | (window[1:] != window[:-1])) + 1
    bounds = [0, *cuts.tolist(), len(order)]
    ids: list[int] = passengers.id[order].tolist()
    origins: list[int] = passengers.origin[order].tolist()
    cohorts: list[int] = passengers.cohort[order].tolist()
    sites: list[int] = site.tolist()
    windows: list[int] = window.tolist()
    for a, b in itertools.pairwise(bounds):
        s, w = sites[a], windows[a]
        group = _plan_group(ctx, s, w, ids[a:b], origins[a:b], cohorts[a:b])
        trips.extend(group)
        groups.append(GroupBound(s, w, b - a, -(-(b - a) // ctx.cmax), len(group)))
    return Plan(trips, groups)


def _remove(trip: Trip, pid: int) -> None:
    del trip.seats[pid]
    for stop in trip.stops:
        if pid in stop.passengers:
            stop.passengers.remove(pid)
            return


def _reroute(ctx: _Ctx, trip: Trip) -> list[int]:
    """After passengers left: drop empty stops, cancel an empty trip, keep the detour limit.

    When the remaining stops no longer fit the detour limit in any order tried (the farthest
    stop may have gone), the trip keeps the stops that do (farthest first, cheapest insertion)
    and the passengers of the others are returned, to be placed again.
    """
    trip.stops = [s for s in trip.stops if s.passengers]
    lifted: list[int] = []
    if trip.stops and not ctx.route_ok([s.origin for s in trip.stops], trip.site):
        rest = sorted((s.origin for s in trip.stops), key=lambda o: (-ctx.d_os(o, trip.site), o))
        new = [rest[0]]
        for o in rest[1:]:
            options = [
                (ctx.route_gc(cand, trip.site), p)
                for p in range(1, len(new) + 1)
                if ctx.route_ok(cand := [*new[:p], o, *new[p:]], trip.site)
            ]
            if options:
                new.insert(min(options)[1], o)
        by_origin = {s.origin: s for s in trip.stops}
        for o in rest:
            if o not in new:
                for p in by_origin[o].passengers:
                    del trip.seats[p]
                    lifted.append(p)
        trip.stops = [by_origin[o] for o in new]
    if not trip.stops:
        trip.cancelled = True
        trip.km = 0.0
        trip.hours = 0.0
        trip.seats = {}
        return lifted
    _set_geometry(ctx, trip)
    return lifted


def _seat_run(used: set[int], cap: int, k: int) -> int | None:
    run = 0
    for seat in range(1, cap + 1):
        run = 0 if seat in used else run + 1
        if run == k:
            return seat - k + 1
    return None


def _reseat(trip: Trip, cohort_of: dict[int, int]) -> None:
    """Number seats afresh in pickup order, each cohort on consecutive seats."""
    seats: dict[int, int] = {}
    for stop in trip.stops:
        ps = sorted(stop.passengers, key=lambda p: (trip.seats.get(p, 10**9), p))
        groups: dict[int, list[int]] = {}
        for p in ps:
            c = cohort_of.get(p, -1)
            groups.setdefault(c if c >= 0 else -1 - p, []).append(p)
        for members in groups.values():
            for p in members:
                seats[p] = len(seats) + 1
    trip.seats = seats


def _insert(ctx: _Ctx, trips: list[Trip], unit: _Unit, origin: int, cohort_of: dict[int, int], upgrade: bool) -> bool:
    """Put a unit into the best existing trip of its group; False when none can take it."""
    _, pids = unit
    k = len(pids)
    best: tuple[tuple[bool, float, int], int, int | None, int] | None = None
    for ti, t in enumerate(trips):
        route = [s.origin for s in t.stops]
        if not ctx.same_cluster(origin, route[0]):
            continue
        vehicle = t.vehicle
        if t.load + k > ctx.seats[vehicle]:
            if not upgrade or t.load + k > ctx.cmax:
                continue
            vehicle = ctx.right_size(t.load + k)
        if origin in route:
            pos: int | None = None
            add = 0.0
        else:
            if len(route) >= ctx.max_stops:
                continue
            base = ctx.route_gc(route, t.site)
            options = []
            for p in range(len(route) + 1):
                new = [*route[:p], origin, *route[p:]]
                if ctx.route_ok(new, t.site):
                    options.append((ctx.route_gc(new, t.site) - base, p))
            if not options:
                continue
            add, pos = min(options)
        key = (vehicle != t.vehicle, add, ti)
        if best is None or key < best[0]:
            best = (key, ti, pos, vehicle)
    if best is None:
        return False
    _, ti, pos, vehicle = best
    t = trips[ti]
    t.vehicle = vehicle
    if pos is None:
        stop = next(s for s in t.stops if s.origin == origin)
    else:
        stop = Stop(origin=origin, passengers=[])
        t.stops.insert(pos, stop)
    stop.passengers.extend(pids)
    start = _seat_run(set(t.seats.values()), ctx.seats[vehicle], k)
    if start is None:
        _reseat(t, cohort_of)
    else:
        for j, p in enumerate(pids):
            t.seats[p] = start + j
    for s in t.stops:
        s.passengers.sort(key=lambda p: t.seats[p])
    _set_geometry(ctx, t)
    return True


def _plan_left(ctx: _Ctx, site: int, window: int, left: list[tuple[int, _Unit]]) -> list[Trip]:
    if not left:
        return []
    flat = sorted(((o, u[0], p) for o, u in left for p in u[1]), key=lambda x: (x[0], x[1], x[2]))
    return _plan_group(ctx, site, window, [x[2] for x in flat], [x[0] for x in flat], [x[1] for x in flat])


def replan(
    previous: Sequence[Trip],
    passengers: Passengers,
    places: Places,
    vehicles: Sequence[VehicleType],
    *,
    road_factor: float = 1.3,
    detour_factor: float = 1.5,
    max_stops: int = 6,
    cluster: str | float = "prefecture",
) -> Replanned:
    """Change a previous plan only where the new passenger set requires it (see the module docstring)."""
    ctx = _Ctx(places, vehicles, road_factor, detour_factor, max_stops, cluster)
    _validate(passengers, ctx)
    trips = copy.deepcopy(list(previous))
    ids: list[int] = passengers.id.tolist()
    rows = zip(
        passengers.origin.tolist(),
        passengers.cohort.tolist(),
        passengers.site.tolist(),
        passengers.window.tolist(),
        strict=True,
    )
    info = dict(zip(ids, rows, strict=True))
    cohort_of = {p: v[1] for p, v in info.items()}
    where: dict[int, int] = {}
    fixed: set[int] = set()
    touched: set[int] = set()
    for ti, t in enumerate(trips):
        if t.cancelled:
            continue
        for stop in t.stops:
            for p in list(stop.passengers):
                if t.departed:
                    fixed.add(p)
                    continue
                v = info.get(p)
                if v is None or p in where or p in fixed or v[0] != stop.origin or v[2] != t.site or v[3] != t.window:
                    _remove(t, p)
                    touched.add(ti)
                else:
                    where[p] = ti
    members: dict[int, list[int]] = defaultdict(list)
    for p, v in info.items():
        if v[1] >= 0 and p not in fixed:
            members[v[1]].append(p)
    for ms in members.values():
        on = {where.get(p) for p in ms}
        if len(on) == 1 and None not in on:
            t = trips[where[ms[0]]]
            seats = [t.seats[p] for p in ms]
            if max(seats) - min(seats) + 1 == len(ms):
                continue
        for p in ms:
            if p in where:
                _remove(trips[where[p]], p)
                touched.add(where.pop(p))
    for ti in sorted(touched):
        for p in _reroute(ctx, trips[ti]):
            del where[p]
    # Unplaced passengers by group, as units.
    todo: dict[tuple[int, int], list[tuple[int, _Unit]]] = defaultdict(list)
    cohort_units: dict[int, list[int]] = defaultdict(list)
    for p in sorted(ids):
        if p in where or p in fixed:
            continue
        o, c, s, w = info[p]
        if c >= 0:
            if not cohort_units[c]:
                todo[(s, w)].append((o, (c, cohort_units[c])))
            cohort_units[c].append(p)
        else:
            todo[(s, w)].append((o, (-1, [p])))
    by_group: dict[tuple[int, int], list[int]] = defaultdict(list)
    for ti, t in enumerate(trips):
        if not t.departed and not t.cancelled:
            by_group[(t.site, t.window)].append(ti)
    for (s, w), units in sorted(todo.items()):
        units.sort(key=lambda x: (-len(x[1][1]), x[0], x[1][0], x[1][1][0]))
        open_trips = by_group.get((s, w), [])
        view = [trips[ti] for ti in open_trips]
        left = [(o, unit) for o, unit in units if not _insert(ctx, view, unit, o, cohort_of, upgrade=False)]
        fresh = _plan_left(ctx, s, w, left)
        if fresh:
            # Upgrading vehicles of existing trips is worth it only when it saves a new vehicle.
            trial = copy.deepcopy(view)
            left2 = [(o, unit) for o, unit in left if not _insert(ctx, trial, unit, o, cohort_of, upgrade=True)]
            fresh2 = _plan_left(ctx, s, w, left2)
            if len(fresh2) < len(fresh):
                for ti, t in zip(open_trips, trial, strict=True):
                    trips[ti] = t
                fresh = fresh2
        trips.extend(fresh)
    changed = {i for i in range(len(previous)) if trips[i] != previous[i]}
    changed.update(range(len(previous), len(trips)))
    return Replanned(trips, changed)


# Hand changes -----------------------------------------------------------------------------------
# Staff overrides and seats given back on a trip staff fixed: the limits of the heuristic (stops,
# detour) are not applied, since staff decide; capacity always is.


def _hand_ctx(places: Places, vehicles: Sequence[VehicleType], road_factor: float) -> _Ctx:
    return _Ctx(places, vehicles, road_factor, 1.0, 1, "prefecture")


def _editable(*trips: Trip) -> None:
    if any(t.departed or t.cancelled for t in trips):
        raise ValueError("only a planned trip changes by hand")


def _close_gaps(trip: Trip) -> None:
    """Number seats 1..n in their present order (a cohort on consecutive seats stays so)."""
    order = sorted(trip.seats, key=lambda p: (trip.seats[p], p))
    trip.seats = {p: i for i, p in enumerate(order, start=1)}


def _drop_passengers(ctx: _Ctx, trip: Trip, pids: Sequence[int]) -> None:
    for p in pids:
        _remove(trip, p)
    trip.stops = [s for s in trip.stops if s.passengers]
    if trip.stops:
        _set_geometry(ctx, trip)
    else:
        trip.cancelled = True
        trip.km = trip.hours = 0.0
        trip.seats = {}


def drop(
    trip: Trip, pids: Sequence[int], places: Places, vehicles: Sequence[VehicleType], *, road_factor: float = 1.3
) -> Trip:
    """A copy of a planned trip without the given passengers: empty stops go, times are recomputed, an empty trip is
    cancelled. The others keep their seats and the stop order stays."""
    _editable(trip)
    out = copy.deepcopy(trip)
    if any(p not in out.seats for p in pids):
        raise ValueError("passenger not on the trip")
    _drop_passengers(_hand_ctx(places, vehicles, road_factor), out, pids)
    return out


def move(
    source: Trip,
    target: Trip,
    pids: Sequence[int],
    places: Places,
    vehicles: Sequence[VehicleType],
    *,
    road_factor: float = 1.3,
) -> tuple[Trip, Trip]:
    """Copies of two planned trips of one group after moving passengers from `source` to `target`.

    Keeping a cohort whole is the caller's business. The target's riders keep their seats; the
    moved ones take the first run of consecutive free seats (else the lowest free ones). A stop
    at their origin is reused, else one is inserted where it adds the least distance. ValueError
    when a passenger is not on the source, the trips are the same or not of one group, or the
    target lacks free seats.
    """
    _editable(source, target)
    if source is target or (source.site, source.window) != (target.site, target.window):
        raise ValueError("passengers move between two trips of one site and window")
    ctx = _hand_ctx(places, vehicles, road_factor)
    src, dst = copy.deepcopy(source), copy.deepcopy(target)
    origin_of = {p: s.origin for s in src.stops for p in s.passengers}
    if not pids or any(p not in origin_of for p in pids):
        raise ValueError("passenger not on the source trip")
    cap = ctx.seats[dst.vehicle]
    if dst.load + len(pids) > cap:
        raise ValueError("the target trip has too few free seats")
    _drop_passengers(ctx, src, pids)
    used = set(dst.seats.values())
    start = _seat_run(used, cap, len(pids))
    free = iter(range(start, start + len(pids)) if start else (s for s in range(1, cap + 1) if s not in used))
    for p in pids:
        origin = origin_of[p]
        stop = next((s for s in dst.stops if s.origin == origin), None)
        if stop is None:
            stop = Stop(origin=origin, passengers=[])
            route = [s.origin for s in dst.stops]
            best = min(
                range(len(route) + 1), key=lambda i: (ctx.route_gc([*route[:i], origin, *route[i:]], dst.site), i)
            )
            dst.stops.insert(best, stop)
        stop.passengers.append(p)
        dst.seats[p] = next(free)
    _set_geometry(ctx, dst)
    return src, dst


def change_vehicle(
    trip: Trip, vehicle: int, places: Places, vehicles: Sequence[VehicleType], *, road_factor: float = 1.3
) -> Trip:
    """A copy of a planned trip on another vehicle type: times follow its speed; seats beyond its size are renumbered
    (in order, so a cohort stays together). ValueError when the riders do not fit."""
    _editable(trip)
    ctx = _hand_ctx(places, vehicles, road_factor)
    if not 0 <= vehicle < len(ctx.vehicles):
        raise ValueError("no such vehicle type")
    if trip.load > ctx.seats[vehicle]:
        raise ValueError("the vehicle has too few seats for the riders")
    out = copy.deepcopy(trip)
    out.vehicle = vehicle
    if max(out.seats.values(), default=0) > ctx.seats[vehicle]:
        _close_gaps(out)
    _set_geometry(ctx, out)
    return out
