"""Benchmark of the dispatch planner (dispatch/planner.py) on a synthetic instance of realistic shape.

    python scripts/bench_dispatch.py [--passengers 100000] [--sites 10000] [--seed 7] [--zipf 1.0]

Origins are the current county-level rows of reference/data/regions.csv (with lat/lng; the parent
code serves as the prefecture code). Sending provinces (Sichuan, Henan, Anhui, Hunan, Guizhou ...)
weigh more than others; each county gets a log-normal weight on top. Sites are placed near county
seats of the receiving provinces (Guangdong, Zhejiang, Jiangsu, Shanghai, Fujian, Beijing) with a
Zipf-like popularity (exponent --zipf, default 1.0). Each site recruits mostly (80%) from three
source prefectures (labour-cooperation agreements between counties and employers) and mostly (90%)
for three start days out of 30, as factories do through their recruiting channels; the rest is
spread uniformly. About 3% of passengers travel in cohorts of 2-6 (sharing origin, site and day).

Three runs: road coaches only (45 and 53 seats) clustered by prefecture; the same clustered by a 150
km radius; and with a 118-seat train coach added. Columns: groups = (site, window) groups; LB = sum
of ceil(passengers / largest seats) per group; LB(cl) = the same bound per (group, prefecture)
cluster, the best possible once vehicles may not cross prefectures; LB(st) = per cluster the larger
of that and ceil(origins / 6 stops), since every origin needs a stop and a vehicle makes at most 6
(for the "radius 150" row, which pools nearby prefectures, the prefecture bounds do not apply and
its ratios may fall below 1); util = passengers / seats of the vehicles used; peak MB = the
resident-set high-water mark during planning minus the resident set before it (reset through
/proc/self/clear_refs where available, else the process high-water mark).
The "pooled 3 d" row plans the coaches with departures every three days (DISPATCH_POOL_DAYS=3),
so that the starts of three days share vehicles. A re-planning row cancels 1% of passengers and
adds 1% new ones to the first fleet's plan.
"""

import argparse
import contextlib
import csv
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dispatch.planner import Passengers, Places, VehicleType, plan, replan  # noqa: E402

RECEIVING = {"44": 3.0, "33": 2.0, "32": 2.0, "31": 1.0, "35": 1.2, "11": 0.8}
SENDING = {"51": 8, "41": 9, "34": 7, "43": 6, "52": 5, "42": 5, "36": 5, "45": 5, "50": 4, "53": 3, "62": 3}
MAX_STOPS = 6  # the planner's default
POOL = 3  # days of starts that share a departure in the pooled row
COACHES = [VehicleType("coach", 45, 8.0, 70.0), VehicleType("large coach", 53, 9.5, 70.0)]
FLEETS = {
    "coach 45/53": COACHES,
    "radius 150": COACHES,
    "+ train 118": [
        VehicleType("coach", 45, 8.0, 70.0),
        VehicleType("large coach", 53, 9.5, 70.0),
        VehicleType("train coach", 118, 15.0, 100.0),
    ],
}


def load_counties() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lat, lng, pref, prov = [], [], [], []
    with open(ROOT / "reference" / "data" / "regions.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] != "county" or row["valid_to"] or not row["lat"] or not row["lng"]:
                continue
            lat.append(float(row["lat"]))
            lng.append(float(row["lng"]))
            pref.append(int(row["parent_code"] or row["code"][:4] + "00"))
            prov.append(int(row["code"][:2]))
    return np.array(lat), np.array(lng), np.array(pref), np.array(prov)


def instance(n: int, n_sites: int, seed: int, zipf: float) -> tuple[Passengers, Places, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat, lng, pref, prov = load_counties()
    county_w = rng.lognormal(0.0, 0.8, len(lat)) * np.array([SENDING.get(str(p), 1.0) for p in prov])
    prefectures, pref_of = np.unique(pref, return_inverse=True)
    pref_w = np.bincount(pref_of, weights=county_w)
    recv = np.flatnonzero(np.isin(prov, [int(p) for p in RECEIVING]))
    recv_w = np.array([RECEIVING[str(prov[i])] for i in recv]) * rng.lognormal(0.0, 0.5, len(recv))
    seat = rng.choice(recv, n_sites, p=recv_w / recv_w.sum())
    site_lat = lat[seat] + rng.normal(0.0, 0.15, n_sites)
    site_lng = lng[seat] + rng.normal(0.0, 0.15, n_sites)
    popularity = 1.0 / np.arange(1, n_sites + 1) ** zipf
    popularity = rng.permutation(popularity / popularity.sum())
    sources = np.stack(
        [rng.choice(len(prefectures), 3, replace=False, p=pref_w / pref_w.sum()) for _ in range(n_sites)]
    )
    days = rng.integers(0, 30, size=(n_sites, 3))
    # Units: singles and cohorts of 2-6 (about 3% of passengers in cohorts).
    n_units = n
    size = np.where(rng.random(n_units) < 0.0077, rng.integers(2, 7, n_units), 1)
    size = size[: np.searchsorted(np.cumsum(size), n) + 1]
    size[-1] -= size.sum() - n
    u = len(size)
    site = rng.choice(n_sites, u, p=popularity)
    window = np.where(rng.random(u) < 0.9, days[site, rng.integers(0, 3, u)], rng.integers(0, 30, u))
    any_pref = rng.choice(len(prefectures), u, p=pref_w / pref_w.sum())
    chosen = np.where(rng.random(u) < 0.8, sources[site, rng.integers(0, 3, u)], any_pref)
    origin = np.empty(u, dtype=np.int64)
    for k in np.unique(chosen).tolist():
        idx = np.flatnonzero(chosen == k)
        counties = np.flatnonzero(pref_of == k)
        w = county_w[counties]
        origin[idx] = counties[rng.choice(len(counties), len(idx), p=w / w.sum())]
    cohort = np.where(size > 1, np.arange(u), -1)
    rep = np.repeat(np.arange(u), size)
    pax = Passengers(
        id=rng.permutation(n).astype(np.int64) + 1,
        origin=origin[rep],
        cohort=cohort[rep],
        site=site[rep],
        window=window[rep],
    )
    places = Places(lat, lng, pref, site_lat, site_lng)
    return pax, places, pref


def rss_kb(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measured(fn):
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    before = rss_kb("VmRSS")
    t = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t
    return out, seconds, (rss_kb("VmHWM") - before) / 1024


def report(name, pax, places, pref, fleet, cluster):
    """Plan one instance with one fleet and print its row of figures; returns the plan."""
    key = np.stack([pax.site, pax.window, pref[pax.origin]])
    _, cluster_n = np.unique(key, axis=1, return_counts=True)
    # Origins per cluster, in the same (lexicographic) cluster order.
    stops_key = np.unique(np.stack([pax.site, pax.window, pref[pax.origin], pax.origin]), axis=1)
    _, cluster_m = np.unique(stops_key[:3], axis=1, return_counts=True)
    result, seconds, peak = measured(lambda: plan(pax, places, fleet, cluster=cluster))
    trips = result.trips
    cmax = max(v.seats for v in fleet)
    lb_cl = int(np.sum(-(-cluster_n // cmax)))
    lb_st = int(np.sum(np.maximum(-(-cluster_n // cmax), -(-cluster_m // MAX_STOPS))))
    seats = sum(fleet[t.vehicle].seats for t in trips)
    km = sum(t.km for t in trips)
    print(
        f"{name:<12} {len(pax):>10,} {len(result.groups):>7,} {len(trips):>8,} {result.lower_bound:>7,} "
        f"{len(trips) / result.lower_bound:>6.3f} {lb_cl:>7,} {len(trips) / lb_cl:>6.3f} "
        f"{lb_st:>7,} {len(trips) / lb_st:>6.3f} {km:>12,.0f} "
        f"{len(pax) / seats:>6.1%} {seconds:>8.2f} {peak:>8.0f}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passengers", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--zipf", type=float, default=1.0, help="exponent of site popularity")
    args = parser.parse_args()
    t = time.perf_counter()
    pax, places, pref = instance(args.passengers, args.sites, args.seed, args.zipf)
    print(
        f"instance: {len(pax):,} passengers, {len(pref):,} counties, {args.sites:,} sites, "
        f"{(pax.cohort >= 0).mean():.1%} in cohorts, built in {time.perf_counter() - t:.1f} s"
    )
    head = (
        f"{'fleet':<12} {'passengers':>10} {'groups':>7} {'vehicles':>8} {'LB':>7} {'ratio':>6} "
        f"{'LB(cl)':>7} {'ratio':>6} {'LB(st)':>7} {'ratio':>6} {'km':>12} {'util':>6} {'seconds':>8} {'peak MB':>8}"
    )
    print(head)
    print("-" * len(head))
    first = None
    for name, fleet in FLEETS.items():
        cluster = 150.0 if name.startswith("radius") else "prefecture"
        result = report(name, pax, places, pref, fleet, cluster)
        first = first or (result, fleet)
    # Departures every POOL days (DISPATCH_POOL_DAYS): the starts of three days share vehicles.
    pooled = Passengers(id=pax.id, origin=pax.origin, cohort=pax.cohort, site=pax.site, window=pax.window // POOL)
    report(f"pooled {POOL} d", pooled, places, pref, FLEETS["coach 45/53"], "prefecture")
    # Re-planning: 1% cancel, 1% new passengers (copies of random rows under new ids).
    if first is None:
        return
    result, fleet = first
    rng = np.random.default_rng(args.seed + 1)
    n = len(pax)
    keep = rng.random(n) >= 0.01
    extra = rng.choice(n, n // 100, replace=False)
    extra = extra[pax.cohort[extra] < 0]
    new = Passengers(
        id=np.concatenate([pax.id[keep], pax.id.max() + 1 + np.arange(len(extra))]),
        origin=np.concatenate([pax.origin[keep], pax.origin[extra]]),
        cohort=np.concatenate([pax.cohort[keep], np.full(len(extra), -1)]),
        site=np.concatenate([pax.site[keep], pax.site[extra]]),
        window=np.concatenate([pax.window[keep], pax.window[extra]]),
    )
    (trips, changed), seconds, peak = measured(lambda: replan(result.trips, new, places, fleet))
    live = [t for t in trips if not t.cancelled]
    print(
        f"replan coach 45/53: -{int((~keep).sum()):,} +{len(extra):,} passengers -> "
        f"{len(changed):,} of {len(trips):,} trips changed ({len(trips) - len(result.trips):,} new, "
        f"{sum(t.cancelled for t in trips):,} cancelled), {len(live):,} vehicles, {seconds:.2f} s, peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
