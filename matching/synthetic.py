"""Synthetic workers and postings of realistic shape, for tests and benchmarks.

Pure numpy and the standard library. Home counties are the current
county-level regions with coordinates in ``reference/data/regions.csv``;
workers come mostly from the big sending provinces, postings sit mostly in
the receiving ones. Everything is vectorised: a million workers build in a
few seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np

from matching.candidates import INT32_MAX, INT32_MIN, PostingArrays, WorkerArrays

REGIONS_CSV = Path(__file__).resolve().parent.parent / "reference" / "data" / "regions.csv"

#: The day synthetic data calls "today" (days since 1970-01-01), fixed so runs repeat.
TODAY = (dt.date(2027, 2, 15) - dt.date(1970, 1, 1)).days
N_OCCUPATIONS = 300
#: Share of postings by receiving province; the rest spread over all others by county count.
RECEIVING_SHARE = {44: 0.24, 33: 0.14, 32: 0.12, 31: 0.07, 35: 0.07, 11: 0.06}
#: Sending provinces: a county there sends this many times more workers than elsewhere.
SENDING_WEIGHT = {51: 3.0, 41: 3.0, 34: 3.0, 43: 3.0, 52: 2.5, 53: 2.0, 45: 2.5, 36: 2.5, 42: 2.0, 50: 2.5, 62: 2.0}
#: Mean headcount of a posting; postings default to workers / 10, so seats are about 1.1 x workers.
MEAN_HEADCOUNT = 11.0
#: Legal monthly minimum wage by province (top tier, yuan); others get DEFAULT_LEGAL_MINIMUM.
LEGAL_MINIMUM = {31: 2690, 11: 2540, 44: 2500, 33: 2490, 32: 2490, 35: 2260}
DEFAULT_LEGAL_MINIMUM = 2000


@cache
def counties(path: Path = REGIONS_CSV) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code, lat, lng) of the current county-level regions that have coordinates."""
    codes, lats, lngs = [], [], []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["level"] == "county" and not row["valid_to"] and row["lat"] and row["lng"]:
                codes.append(int(row["code"]))
                lats.append(float(row["lat"]))
                lngs.append(float(row["lng"]))
    return np.array(codes, np.int32), np.array(lats, np.float32), np.array(lngs, np.float32)


def _zipf(rng: np.random.Generator, size, n: int = N_OCCUPATIONS, s: float = 1.0) -> np.ndarray:
    """Occupation ids 1..n, the i-th most popular with weight 1 / i**s."""
    w = 1.0 / np.arange(1, n + 1) ** s
    return (np.searchsorted(np.cumsum(w / w.sum()), rng.random(size)) + 1).astype(np.int32)


def _csr(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def synthetic(n_workers: int, *, seed: int = 0, n_postings: int | None = None) -> tuple[WorkerArrays, PostingArrays]:
    """A random world of `n_workers` workers and `n_postings` postings (default workers / 10)."""
    rng = np.random.default_rng(seed)
    n = int(n_workers)
    m = max(1, round(n / 10)) if n_postings is None else int(n_postings)
    code, lat, lng = counties()
    province = code // 10000

    # --- workers -------------------------------------------------------------
    weight = np.array([SENDING_WEIGHT.get(int(pv), 1.0) for pv in np.unique(province)])
    county_weight = weight[np.searchsorted(np.unique(province), province)]
    home = rng.choice(len(code), size=n, p=county_weight / county_weight.sum())
    home_county = code[home]
    home_lat = lat[home].copy()
    home_lng = lng[home].copy()
    unknown = rng.random(n) < 0.01
    home_lat[unknown] = np.nan
    home_lng[unknown] = np.nan

    # Skills: 1-3 distinct occupations, 0-15 years.
    n_skills = rng.choice(3, size=n, p=[0.5, 0.35, 0.15]) + 1
    drawn = _zipf(rng, (n, 3))
    keep = np.arange(3) < n_skills[:, None]
    keep[:, 1] &= drawn[:, 1] != drawn[:, 0]
    keep[:, 2] &= (drawn[:, 2] != drawn[:, 0]) & (drawn[:, 2] != drawn[:, 1])
    skill_occupation = drawn[keep]
    skill_ptr = _csr(keep.sum(axis=1))
    skill_years = rng.integers(0, 16, size=len(skill_occupation)).astype(np.int16)

    # Certificates: ~10%, mostly in the first skill, some in another occupation.
    has_cert = rng.random(n) < 0.10
    cert_occupation = np.where(rng.random(n) < 0.8, drawn[:, 0], _zipf(rng, n))[has_cert]
    cert_level = rng.integers(0, 6, size=int(has_cert.sum())).astype(np.int8)
    cert_ptr = _csr(has_cert.astype(np.int64))

    # Destinations: ~30% anywhere, ~60% one to three provinces, ~10% local.
    mode = rng.choice(3, size=n, p=[0.3, 0.6, 0.1]).astype(np.int8)
    provinces = np.unique(province)
    share = _posting_province_share(provinces, province)
    dest = rng.choice(provinces, size=(n, 3), p=share).astype(np.int16)
    n_dest = rng.choice(3, size=n, p=[0.5, 0.3, 0.2]) + 1
    dkeep = (np.arange(3) < n_dest[:, None]) & (mode == 1)[:, None]
    dkeep[:, 1] &= dest[:, 1] != dest[:, 0]
    dkeep[:, 2] &= (dest[:, 2] != dest[:, 0]) & (dest[:, 2] != dest[:, 1])
    destination_provinces = np.full((n, 5), -1, np.int16)
    # Compact the kept choices to the front, in rank order.
    rank = np.cumsum(dkeep, axis=1) - 1
    rows, cols = np.nonzero(dkeep)
    destination_provinces[rows, rank[rows, cols]] = dest[rows, cols]

    min_wage = np.where(rng.random(n) < 0.4, 0, rng.integers(30, 71, size=n) * 100).astype(np.int32)
    has_from = rng.random(n) < 0.5
    available_from = np.where(has_from, TODAY + rng.integers(-30, 46, size=n), INT32_MIN).astype(np.int32)
    has_to = rng.random(n) < 0.15
    available_to = np.where(
        has_to, np.maximum(available_from, TODAY) + rng.integers(30, 181, size=n), INT32_MAX
    ).astype(np.int32)
    age_days = (rng.uniform(16, 60, size=n) * 365.25).astype(np.int64)
    adult_from = TODAY - (age_days - int(16 * 365.25))
    minor = rng.random(n) < 0.005  # about to turn 16
    adult_from[minor] = TODAY + rng.integers(1, 366, size=int(minor.sum()))

    cohort, cohort_size = _cohorts(rng, home_county)

    workers = WorkerArrays(
        ids=np.arange(1, n + 1, dtype=np.int64),
        home_county=home_county.astype(np.int32),
        home_prefecture=(home_county // 100).astype(np.int32),
        home_province=(home_county // 10000).astype(np.int16),
        home_lat=home_lat.astype(np.float32),
        home_lng=home_lng.astype(np.float32),
        destinations_mode=mode,
        destination_provinces=destination_provinces,
        min_wage=min_wage,
        available_from=available_from,
        available_to=available_to,
        adult_from=adult_from.astype(np.int32),
        priority=rng.random(n) < 0.08,
        registered_rank=rng.permutation(n).astype(np.int32),
        cohort=cohort,
        cohort_size=cohort_size,
        skill_ptr=skill_ptr,
        skill_occupation=skill_occupation.astype(np.int32),
        skill_years=skill_years,
        cert_ptr=cert_ptr,
        cert_occupation=cert_occupation.astype(np.int32),
        cert_level=cert_level,
        trainee_ptr=np.zeros(n + 1, np.int64),
        trainee_occupation=np.zeros(0, np.int32),
    )

    # --- postings ------------------------------------------------------------
    post_province = rng.choice(provinces, size=m, p=share)
    # A county uniformly within the province (counties sorted by code, so by province).
    order = np.argsort(code, kind="stable")
    sorted_prov = province[order]
    lo = np.searchsorted(sorted_prov, post_province, side="left")
    hi = np.searchsorted(sorted_prov, post_province, side="right")
    site = order[lo + (rng.random(m) * (hi - lo)).astype(np.int64)]
    county = code[site]
    transport = rng.choice(3, size=m, p=[0.5, 0.3, 0.2]).astype(np.int8)
    net = (rng.integers(60, 181, size=m) * 50).astype(np.int32)  # 3,000-9,000 in steps of 50
    legal = np.array([LEGAL_MINIMUM.get(int(pv), DEFAULT_LEGAL_MINIMUM) for pv in post_province], np.int32)
    legal[rng.random(m) < 0.05] = 0
    seats = np.minimum(50, rng.geometric(1.0 / (MEAN_HEADCOUNT + 0.15), size=m)).astype(np.int32)
    postings = PostingArrays(
        ids=np.arange(1, m + 1, dtype=np.int64),
        occupation=_zipf(rng, m),
        county=county.astype(np.int32),
        prefecture=(county // 100).astype(np.int32),
        province=(county // 10000).astype(np.int16),
        lat=(lat[site] + rng.uniform(-0.05, 0.05, size=m)).astype(np.float32),
        lng=(lng[site] + rng.uniform(-0.05, 0.05, size=m)).astype(np.float32),
        net_monthly=net,
        expected_monthly=(net + rng.integers(0, 9, size=m) * 100).astype(np.int32),
        legal_minimum=legal,
        start_day=(TODAY + rng.integers(0, 61, size=m)).astype(np.int32),
        contract_months=rng.choice(np.array([3, 6, 12, 24], np.int16), size=m, p=[0.2, 0.3, 0.35, 0.15]),
        seats=np.maximum(seats, 1),
        housing=rng.random(m) < 0.6,
        transport=transport,
        transport_subsidy=np.where(transport == 1, rng.integers(1, 6, size=m) * 100, 0).astype(np.int32),
        standing=(rng.random(m) < 0.05).astype(np.int8),
        trainees_accepted=rng.random(m) < 0.15,
        years_required=np.where(rng.random(m) < 0.2, rng.integers(1, 6, size=m), 0).astype(np.int16),
        local_only=rng.random(m) < 0.03,
    )
    return workers, postings


def _posting_province_share(provinces: np.ndarray, county_province: np.ndarray) -> np.ndarray:
    """Probability of each province for a posting (and for a chosen destination)."""
    counts = np.array([(county_province == pv).sum() for pv in provinces], np.float64)
    fixed = np.array([RECEIVING_SHARE.get(int(pv), 0.0) for pv in provinces])
    rest = np.where(fixed > 0, 0.0, counts)
    share = fixed + (1.0 - fixed.sum()) * rest / rest.sum()
    return share / share.sum()


def _cohorts(rng: np.random.Generator, home_county: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """About 3% of workers in groups of 2-6 from the same county."""
    n = len(home_county)
    cohort = np.full(n, -1, np.int32)
    cohort_size = np.ones(n, np.int16)
    if n < 2:
        return cohort, cohort_size
    by_county = np.argsort(home_county, kind="stable")
    # Candidate blocks of consecutive workers (same county when sorted) with random gaps.
    mean_size, target = 4.0, 0.03
    n_blocks = int(n * target / mean_size * 1.3) + 1
    sizes = rng.integers(2, 7, size=n_blocks)
    gaps = rng.integers(0, int(2 * mean_size * (1 / target - 1)) + 1, size=n_blocks)
    starts = np.cumsum(sizes + gaps) - sizes
    ok = starts + sizes <= n
    starts, sizes = starts[ok], sizes[ok]
    same = home_county[by_county[starts]] == home_county[by_county[starts + sizes - 1]]
    starts, sizes = starts[same], sizes[same]
    members = np.repeat(starts, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
    who = by_county[members]
    cohort[who] = np.repeat(np.arange(len(starts), dtype=np.int32), sizes)
    cohort_size[who] = np.repeat(sizes, sizes).astype(np.int16)
    return cohort, cohort_size
