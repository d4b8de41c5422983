"""Candidate generation for matching: which postings each worker should be offered.

Pure numpy and the standard library (no Django), so it can run in a worker
process on arrays a loader filled from the database, and be tested and
benchmarked on synthetic data (see `matching.synthetic`).

Three public pieces, each the single place its concern is decided:

* `infeasibility` says whether a worker may take a posting at all, and if
  not, which rule (`Rule`) failed first.
* `score_pairs` says how much each side likes the other, with every
  component kept so a page can explain a suggestion.
* `generate` returns, for every worker, the top-k feasible postings by the
  worker's score: exactly what a brute force over all pairs would return,
  ties broken by the lower posting index.

How `generate` avoids looking at every pair
-------------------------------------------
The worker's score of a posting is ``base + bonus + travel`` where ``base``
(net pay, housing, standing) depends only on the posting, ``bonus`` (the
province preference and the home-prefecture bonus) is constant over a
posting's province or prefecture, and ``travel`` is never positive. Postings
are therefore kept in lists by (occupation), (occupation, province) and
(occupation, prefecture), each sorted by ``base`` descending. A worker meets
their occupations through a few *probes* into those lists: one for the home
prefecture, one per chosen province, and for workers who go anywhere one over
the whole occupation (postings that accept trainees have lists of their own,
for occupations a worker holds a certificate in or trains in but has no skill
in). Each posting belongs to exactly one of a worker's
probes (its *owner*), in which ``base + bonus`` is an upper bound of its
score.

A worker's probes are scanned down to a threshold ``theta``: every posting
whose bound is at least ``theta`` is scored exactly. If the k-th best feasible
score found is at least ``theta``, nothing unscanned can beat or tie it (its
bound is below ``theta``), so the list is final; otherwise ``theta`` is lowered
(to the k-th score when k were found, which always finishes next round) and
only the newly reached postings are scored. The minimum-wage rule also cuts a
probe: a posting with ``base < min_wage - 500`` cannot pay ``min_wage`` net.

Workers are processed in chunks; within a chunk each (worker, score, posting)
triple packs into one int64 key, so the per-worker top-k is one ``np.sort``.
"""

from __future__ import annotations

import math
import multiprocessing
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

INT32_MIN = int(np.iinfo(np.int32).min)
INT32_MAX = int(np.iinfo(np.int32).max)

# --- Worker's score of a posting, in yuan a month --------------------------

#: Road distance is longer than the great circle; 1.3 is the usual detour factor.
ROAD_FACTOR = 1.3
#: Long-distance coach or hard-seat train fare, yuan per road km.
FARE_PER_KM = 0.35
#: Mean Earth radius (km) for great-circle distances.
EARTH_RADIUS_KM = 6371.0088
#: Bonus for the worker's chosen provinces by rank 1..5: a first choice is worth
#: a few percent of pay (family or fellow villagers there), each lower rank less.
PROVINCE_RANK_BONUS = (250, 200, 150, 100, 50)
#: Work within the home prefecture: the worker can go home at weekends and
#: keeps family duties; everyone values it, chosen provinces or not.
HOME_PREFECTURE_BONUS = 300
#: Housing provided saves roughly a month's rent of a shared room.
HOUSING_BONUS = 300
#: An employer on watch (complaints, late pay) costs the worker trust; the
#: penalty is large enough to put such a posting below a similar clean one.
WATCH_PENALTY = -500

# --- Posting's score of a worker, in points --------------------------------

#: Points per year of experience in the posting's occupation.
EXPERIENCE_POINTS_PER_YEAR = 10
#: Experience counts up to this many years; beyond, a worker is simply experienced.
EXPERIENCE_CAP_YEARS = 10
#: Points for a certificate in the posting's occupation, by level (index):
#: 0 other certificate, 1 senior technician ... 5 junior (national skill levels).
CERTIFICATE_POINTS = (5, 50, 40, 30, 20, 10)
PRIORITY_POINTS = 30
"""Published priority rule for bureau-verified registered poor labourers.

A verified registered poor labourer ranks with postings as if they had three
more years of experience (3 x `EXPERIENCE_POINTS_PER_YEAR`): enough to decide
between otherwise close applicants, not enough to override real skill.
"""
#: A worker who travels with a group from home keeps the group together.
COHORT_POINTS = 5
#: Earlier registration wins ties; at most one point so it never outweighs a rule.
SENIORITY_POINTS = 1.0


class Rule(IntEnum):
    """Feasibility rules, in the order they are checked; 0 means feasible."""

    OCCUPATION = 1
    LOCATION = 2
    WORKER_MINIMUM = 3
    LEGAL_MINIMUM = 4
    AVAILABILITY = 5
    AGE = 6
    SEATS = 7


@dataclass(frozen=True, eq=False)
class WorkerArrays:
    """Workers as parallel arrays (n rows); CSR triples for skills, certificates, training."""

    ids: np.ndarray  # int64
    home_county: np.ndarray  # int32, GB/T 2260 6-digit code
    home_prefecture: np.ndarray  # int32, code // 100
    home_province: np.ndarray  # int16, code // 10000
    home_lat: np.ndarray  # float32, NaN unknown
    home_lng: np.ndarray  # float32, NaN unknown
    destinations_mode: np.ndarray  # int8: 0 anywhere, 1 chosen provinces, 2 home prefecture only
    destination_provinces: np.ndarray  # int16 (n, 5), by rank, -1 empty
    min_wage: np.ndarray  # int32, net monthly, 0 none
    available_from: np.ndarray  # int32 days since epoch, INT32_MIN none
    available_to: np.ndarray  # int32, INT32_MAX none
    adult_from: np.ndarray  # int32, day of the 16th birthday
    priority: np.ndarray  # bool
    registered_rank: np.ndarray  # int32, 0 = earliest
    cohort: np.ndarray  # int32, -1 none
    cohort_size: np.ndarray  # int16, 1 alone
    skill_ptr: np.ndarray  # int64 (n + 1)
    skill_occupation: np.ndarray  # int32
    skill_years: np.ndarray  # int16
    cert_ptr: np.ndarray  # int64 (n + 1)
    cert_occupation: np.ndarray  # int32
    cert_level: np.ndarray  # int8: 1 senior technician .. 5 junior, 0 other
    trainee_ptr: np.ndarray  # int64 (n + 1)
    trainee_occupation: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class PostingArrays:
    """Postings as parallel arrays (m rows)."""

    ids: np.ndarray  # int64
    occupation: np.ndarray  # int32
    county: np.ndarray  # int32
    prefecture: np.ndarray  # int32
    province: np.ndarray  # int16
    lat: np.ndarray  # float32
    lng: np.ndarray  # float32
    net_monthly: np.ndarray  # int32, pay minus deductions
    expected_monthly: np.ndarray  # int32, before deductions
    legal_minimum: np.ndarray  # int32, 0 unknown
    start_day: np.ndarray  # int32
    contract_months: np.ndarray  # int16
    seats: np.ndarray  # int32, remaining
    housing: np.ndarray  # bool
    transport: np.ndarray  # int8: 0 none, 1 subsidy, 2 point-to-point
    transport_subsidy: np.ndarray  # int32 yuan
    standing: np.ndarray  # int8: 0 good, 1 watch
    trainees_accepted: np.ndarray  # bool
    years_required: np.ndarray  # int16
    local_only: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class Scores:
    """Both sides' scores of pairs, with every named component (all float32)."""

    worker_score: np.ndarray
    posting_score: np.ndarray
    worker_components: dict[str, np.ndarray] = field(default_factory=dict)
    posting_components: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Top-k lists as parallel arrays, grouped by worker (ascending), best first."""

    worker: np.ndarray  # int32 worker index
    posting: np.ndarray  # int32 posting index
    worker_score: np.ndarray  # float32
    posting_score: np.ndarray  # float32

    def __len__(self) -> int:
        return len(self.worker)


# ---------------------------------------------------------------------------
# Per-pair lookups in the CSR skill, certificate and trainee lists
# ---------------------------------------------------------------------------


def _csr_rows(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entry indices of the given CSR rows, and the row each entry belongs to."""
    starts = ptr[rows].astype(np.int64)
    lens = (ptr[rows + 1] - ptr[rows]).astype(np.int64)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    owner = np.repeat(rows.astype(np.int64), lens)
    offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens)
    return offsets + np.arange(total, dtype=np.int64), owner


def _pair_key(w: np.ndarray, occupation: np.ndarray) -> np.ndarray:
    return (w.astype(np.int64) << 32) | (occupation.astype(np.int64) & 0xFFFFFFFF)


class _Lookup:
    """Best value per (worker, occupation) among CSR entries, for pair queries."""

    def __init__(self, ptr: np.ndarray, occupation: np.ndarray, value: np.ndarray | None, rows: np.ndarray):
        idx, owner = _csr_rows(ptr, rows)
        keys = _pair_key(owner, occupation[idx])
        values = np.ones(len(idx), np.int64) if value is None else value[idx].astype(np.int64)
        order = np.lexsort((-values, keys))  # best (largest) value first within a key
        self.keys = keys[order]
        self.values = values[order]

    def get(self, w: np.ndarray, occupation: np.ndarray, default: int = -1) -> np.ndarray:
        q = _pair_key(w, occupation)
        pos = np.searchsorted(self.keys, q)
        pos_c = np.minimum(pos, max(len(self.keys) - 1, 0))
        found = (pos < len(self.keys)) & (self.keys[pos_c] == q) if len(self.keys) else np.zeros(len(q), bool)
        out = np.full(len(q), default, np.int64)
        out[found] = self.values[pos_c[found]]
        return out


def unique(a: np.ndarray) -> np.ndarray:
    """The sorted distinct values of `a`.

    np.unique takes a hash-based path for plain integer arrays that is tens of
    times slower than sorting on millions of wide keys; a sort and one compare
    give the same answer.
    """
    values = np.sort(np.asarray(a).reshape(-1))
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _as_index(a) -> np.ndarray:
    return np.asarray(a, dtype=np.int64).reshape(-1)


# ---------------------------------------------------------------------------
# Feasibility
# ---------------------------------------------------------------------------


def infeasibility(
    workers: WorkerArrays,
    postings: PostingArrays,
    w,
    p,
    *,
    occupation_ok: np.ndarray | None = None,
) -> np.ndarray:
    """0 for each feasible pair (w[i], p[i]), else the `Rule` code of the first rule that fails.

    Rules, in order: OCCUPATION (the posting's occupation is one of the
    worker's skills, or the posting accepts trainees and the worker holds a
    certificate in it or is training in it); LOCATION (mode 1: the province is
    one of the chosen ones; mode 2: the prefecture is the home prefecture; a
    local-only posting needs the home prefecture whatever the mode);
    WORKER_MINIMUM (net pay at least the worker's minimum); LEGAL_MINIMUM (pay
    before deductions at least the legal minimum where known); AVAILABILITY
    (start day within the worker's window); AGE (start day on or after the
    16th birthday); SEATS (enough seats for the worker's whole cohort).

    ``occupation_ok`` lets a caller that already knows the OCCUPATION result
    (candidate generation only meets postings of the worker's occupations)
    skip recomputing it.
    """
    w = _as_index(w)
    p = _as_index(p)
    code = np.zeros(len(w), np.int8)
    if len(w) == 0:
        return code
    start = postings.start_day[p]
    # Later rules first, so that earlier ones overwrite: the result is the first failure.
    code[postings.seats[p] < workers.cohort_size[w]] = Rule.SEATS
    code[start < workers.adult_from[w]] = Rule.AGE
    code[(start < workers.available_from[w]) | (start > workers.available_to[w])] = Rule.AVAILABILITY
    legal = postings.legal_minimum[p]
    code[(legal > 0) & (postings.expected_monthly[p] < legal)] = Rule.LEGAL_MINIMUM
    code[postings.net_monthly[p] < workers.min_wage[w]] = Rule.WORKER_MINIMUM

    mode = workers.destinations_mode[w]
    same_prefecture = postings.prefecture[p] == workers.home_prefecture[w]
    chosen = _choice_rank(workers, w, postings.province[p]) != _NO_RANK
    location_bad = ((mode == 1) & ~chosen) | ((mode == 2) & ~same_prefecture)
    location_bad |= postings.local_only[p] & ~same_prefecture
    code[location_bad] = Rule.LOCATION

    if occupation_ok is None:
        occupation_ok = _occupation_ok(workers, postings, w, p)
    code[~occupation_ok] = Rule.OCCUPATION
    return code


def _occupation_ok(workers: WorkerArrays, postings: PostingArrays, w: np.ndarray, p: np.ndarray) -> np.ndarray:
    rows = unique(w)
    occ = postings.occupation[p]
    ok = _Lookup(workers.skill_ptr, workers.skill_occupation, None, rows).get(w, occ) > 0
    trainee_post = postings.trainees_accepted[p] & ~ok
    if trainee_post.any():
        wt, ot = w[trainee_post], occ[trainee_post]
        cert = _Lookup(workers.cert_ptr, workers.cert_occupation, None, rows).get(wt, ot) > 0
        training = _Lookup(workers.trainee_ptr, workers.trainee_occupation, None, rows).get(wt, ot) > 0
        ok[trainee_post] = cert | training
    return ok


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def _unit_vectors(lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points on the unit sphere (float64), NaN where the place is unknown."""
    la = np.radians(np.asarray(lat, np.float64))
    ln = np.radians(np.asarray(lng, np.float64))
    c = np.cos(la)
    return c * np.cos(ln), c * np.sin(ln), np.sin(la)


def _great_circle_km(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> np.ndarray:
    """Great-circle distance between unit vectors, from the chord length."""
    chord = np.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2, 1.0))


_NO_RANK = len(PROVINCE_RANK_BONUS)


def _choice_rank(workers: WorkerArrays, w: np.ndarray, province: np.ndarray) -> np.ndarray:
    """0-based rank at which each worker first chose `province`, or _NO_RANK if not chosen."""
    province = np.asarray(province)
    out = np.full(len(w), _NO_RANK, np.int8)
    for r in reversed(range(workers.destination_provinces.shape[1])):
        out[workers.destination_provinces[:, r][w] == province] = r
    return out


def _rank_bonus(workers: WorkerArrays, w: np.ndarray, province: np.ndarray) -> np.ndarray:
    """Bonus of the best rank at which the worker chose `province` (0 if not chosen)."""
    table = np.array((*PROVINCE_RANK_BONUS, *([0] * (1 + workers.destination_provinces.shape[1]))), np.int64)
    return table[_choice_rank(workers, w, province)]


@dataclass(frozen=True)
class _Places:
    """Unit vectors of every worker's home and every posting's site, computed once."""

    worker: tuple[np.ndarray, np.ndarray, np.ndarray]
    posting: tuple[np.ndarray, np.ndarray, np.ndarray]


def _worker_side(
    workers: WorkerArrays, postings: PostingArrays, w: np.ndarray, p: np.ndarray, places: _Places | None = None
) -> dict[str, np.ndarray]:
    """The worker's score components of each pair, float64, yuan a month."""
    net = postings.net_monthly[p].astype(np.float64)
    if places is None:
        a = _unit_vectors(workers.home_lat[w], workers.home_lng[w])
        b = _unit_vectors(postings.lat[p], postings.lng[p])
    else:  # the same numbers, computed once per place rather than per pair
        a = tuple(x[w] for x in places.worker)
        b = tuple(x[p] for x in places.posting)
    km = _great_circle_km(a, b)
    trip = km * (ROAD_FACTOR * FARE_PER_KM) - postings.transport_subsidy[p]
    trip = np.where(np.isnan(trip), 0.0, np.maximum(trip, 0.0))  # unknown place: no estimate, no penalty
    months = np.maximum(postings.contract_months[p].astype(np.float64), 1.0)
    travel = np.where(postings.transport[p] == 2, 0.0, -trip / months) + 0.0  # + 0.0 turns -0.0 into 0.0
    preference = _rank_bonus(workers, w, postings.province[p]) + np.where(
        postings.prefecture[p] == workers.home_prefecture[w], HOME_PREFECTURE_BONUS, 0
    )
    return {
        "net_pay": net,
        "travel": travel,
        "preference": preference.astype(np.float64),
        "housing": np.where(postings.housing[p], float(HOUSING_BONUS), 0.0),
        "standing": np.where(postings.standing[p] == 1, float(WATCH_PENALTY), 0.0),
    }


def _worker_total(components: dict[str, np.ndarray]) -> np.ndarray:
    # Integer parts first (exact in float64), travel last: the total never exceeds
    # the integer bound that generation prunes with.
    c = components
    return ((c["net_pay"] + c["preference"] + c["housing"] + c["standing"]) + c["travel"]).astype(np.float32)


def _posting_total(components: dict[str, np.ndarray]) -> np.ndarray:
    c = components
    return (c["experience"] + c["certificate"] + c["priority"] + c["cohort"] + c["seniority"]).astype(np.float32)


def _posting_side(
    workers: WorkerArrays, postings: PostingArrays, w: np.ndarray, p: np.ndarray, rows: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """The posting's score components of each pair, float64, points (`rows`: the workers in `w`, if known)."""
    rows = unique(w) if rows is None else rows
    occ = postings.occupation[p]
    years = _Lookup(workers.skill_ptr, workers.skill_occupation, workers.skill_years, rows).get(w, occ, default=0)
    points = np.asarray(CERTIFICATE_POINTS, np.int64)[np.clip(workers.cert_level, 0, 5).astype(np.int64)]
    cert = _Lookup(workers.cert_ptr, workers.cert_occupation, points, rows).get(w, occ, default=0)
    n = max(len(workers), 1)
    return {
        "experience": (EXPERIENCE_POINTS_PER_YEAR * np.clip(years, 0, EXPERIENCE_CAP_YEARS)).astype(np.float64),
        "certificate": cert.astype(np.float64),
        "priority": np.where(workers.priority[w], float(PRIORITY_POINTS), 0.0),
        "cohort": np.where(workers.cohort[w] >= 0, float(COHORT_POINTS), 0.0),
        "seniority": SENIORITY_POINTS * (1.0 - workers.registered_rank[w].astype(np.float64) / n),
    }


def score_pairs(workers: WorkerArrays, postings: PostingArrays, w, p) -> Scores:
    """Both sides' scores of the pairs (w[i], p[i]), with every component.

    Worker's score, yuan a month: net_pay + travel + preference + housing + standing.
    Posting's score, points: experience + certificate + priority + cohort + seniority.
    """
    w = _as_index(w)
    p = _as_index(p)
    wc = _worker_side(workers, postings, w, p)
    pc = _posting_side(workers, postings, w, p)
    return Scores(
        worker_score=_worker_total(wc),
        posting_score=_posting_total(pc),
        worker_components={k: v.astype(np.float32) for k, v in wc.items()},
        posting_components={k: v.astype(np.float32) for k, v in pc.items()},
    )


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

_LEVEL_OCCUPATION, _LEVEL_PROVINCE, _LEVEL_PREFECTURE = 0, 1, 2
_BASE_SHIFT = 1 << 34  # stride between groups in the sorted key
_BASE_ZERO = 1 << 33  # key offset so that larger base sorts first
_BASE_CLIP = 1 << 32
#: A posting's base is at least net pay minus this (the watch penalty).
_BASE_BELOW_NET = -min(0, WATCH_PENALTY)
#: First threshold: the bound of the (FIRST_DEPTH * k)-th posting of the best probe...
_FIRST_DEPTH = 1.0
#: ... lowered by this much, as travel usually costs something.
_FIRST_MARGIN = 100.0
#: When fewer than k were found, the threshold drops by this, then by ever larger steps.
_STEP = 300.0
_STEP_GROWTH = 3.0


@dataclass(frozen=True)
class _Index:
    """Postings in sorted lists by (kind, occupation, region), base descending."""

    group_keys: np.ndarray  # sorted unique group keys
    group_start: np.ndarray  # first position of each group
    group_end: np.ndarray
    sort_key: np.ndarray  # group * _BASE_SHIFT + (_BASE_ZERO - base), ascending
    posting: np.ndarray  # posting index at each position
    base: np.ndarray  # base at each position


def _posting_base(postings: PostingArrays) -> np.ndarray:
    return (
        postings.net_monthly.astype(np.int64)
        + np.where(postings.housing, HOUSING_BONUS, 0)
        + np.where(postings.standing == 1, WATCH_PENALTY, 0)
    )


def _build_index(postings: PostingArrays, open_mask: np.ndarray) -> _Index:
    base_all = _posting_base(postings)
    keys, bases, idxs = [], [], []
    for trainee in (0, 1):
        sel = open_mask & postings.trainees_accepted if trainee else open_mask
        idx = np.flatnonzero(sel)
        occ = postings.occupation[idx]
        for level, region in (
            (_LEVEL_OCCUPATION, np.zeros(len(idx), np.int64)),
            (_LEVEL_PROVINCE, postings.province[idx]),
            (_LEVEL_PREFECTURE, postings.prefecture[idx]),
        ):
            keys.append(_group_key(np.full(len(idx), trainee), level, occ, region))
            bases.append(base_all[idx])
            idxs.append(idx)
    key = np.concatenate(keys)
    base = np.concatenate(bases)
    posting = np.concatenate(idxs)
    order = np.lexsort((posting, -base, key))
    key, base, posting = key[order], base[order], posting[order]
    group_keys, group_start = np.unique(key, return_index=True)
    group_of = np.repeat(np.arange(len(group_keys), dtype=np.int64), np.diff(np.append(group_start, len(key))))
    return _Index(
        group_keys=group_keys,
        group_start=group_start.astype(np.int64),
        group_end=np.append(group_start[1:], len(key)).astype(np.int64),
        sort_key=group_of * _BASE_SHIFT + (_BASE_ZERO - np.clip(base, -_BASE_CLIP, _BASE_CLIP)),
        posting=posting.astype(np.int64),
        base=base,
    )


def _find_groups(index: _Index, keys: np.ndarray) -> np.ndarray:
    """Group id of each key, -1 where the list is empty."""
    if len(index.group_keys) == 0:
        return np.full(len(keys), -1, np.int64)
    pos = np.searchsorted(index.group_keys, keys)
    pos_c = np.minimum(pos, len(index.group_keys) - 1)
    return np.where(index.group_keys[pos_c] == keys, pos_c, -1)


@dataclass
class _Probes:
    worker: np.ndarray  # global worker index
    local: np.ndarray  # worker position within the chunk
    group: np.ndarray
    bonus: np.ndarray  # int64, bound of the preference component for owned postings
    kind: np.ndarray  # 0 whole occupation, 1 chosen province, 2 home prefecture
    pos: np.ndarray  # next position to scan
    floor: np.ndarray  # int64, lowest base worth scanning (minimum wage)


def _worker_occupations(workers: WorkerArrays, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(worker, occupation, trainee flag): skills, then certificate/training occupations that are not skills."""
    si, so = _csr_rows(workers.skill_ptr, rows)
    ci, co = _csr_rows(workers.cert_ptr, rows)
    ti, to = _csr_rows(workers.trainee_ptr, rows)
    skill_keys = unique(_pair_key(so, workers.skill_occupation[si]))
    extra = unique(
        np.concatenate((_pair_key(co, workers.cert_occupation[ci]), _pair_key(to, workers.trainee_occupation[ti])))
    )
    extra = extra[~np.isin(extra, skill_keys)]
    keys = np.concatenate((skill_keys, extra))
    trainee = np.concatenate((np.zeros(len(skill_keys), np.int64), np.ones(len(extra), np.int64)))
    w = keys >> 32
    occ = (keys & 0xFFFFFFFF).astype(np.uint32).view(np.int32).astype(np.int64)
    return w, occ, trainee


def _build_probes(workers: WorkerArrays, index: _Index, rows: np.ndarray) -> _Probes:
    w, occ, trainee = _worker_occupations(workers, rows)
    mode = workers.destinations_mode[w]
    home_pref = workers.home_prefecture[w]
    home_prov = workers.home_province[w].astype(np.int64)
    dest = workers.destination_provinces[w].astype(np.int64)
    home_chosen = (dest == home_prov[:, None]).any(axis=1)

    parts_w, parts_g, parts_b, parts_k = [], [], [], []

    # Home prefecture: everyone, except mode-1 workers who did not choose their home province.
    has_home = (mode != 1) | home_chosen
    hw = np.flatnonzero(has_home)
    parts_w.append(w[hw])
    parts_g.append(_group_key(trainee[hw], _LEVEL_PREFECTURE, occ[hw], home_pref[hw]))
    parts_b.append(HOME_PREFECTURE_BONUS + _rank_bonus(workers, w[hw], home_prov[hw]))
    parts_k.append(np.full(len(hw), 2, np.int8))

    # Chosen provinces (modes 0 and 1), first rank of each distinct province.
    for rank in range(dest.shape[1]):
        prov = dest[:, rank]
        earlier = (dest[:, :rank] == prov[:, None]).any(axis=1) if rank else np.zeros(len(w), bool)
        sel = np.flatnonzero((mode != 2) & (prov >= 0) & ~earlier)
        parts_w.append(w[sel])
        parts_g.append(_group_key(trainee[sel], _LEVEL_PROVINCE, occ[sel], prov[sel]))
        parts_b.append(np.full(len(sel), PROVINCE_RANK_BONUS[rank], np.int64))
        parts_k.append(np.full(len(sel), 1, np.int8))

    # The whole occupation, for workers who go anywhere.
    sel = np.flatnonzero(mode == 0)
    parts_w.append(w[sel])
    parts_g.append(_group_key(trainee[sel], _LEVEL_OCCUPATION, occ[sel], np.zeros(len(sel), np.int64)))
    parts_b.append(np.zeros(len(sel), np.int64))
    parts_k.append(np.zeros(len(sel), np.int8))

    pw = np.concatenate(parts_w)
    group = _find_groups(index, np.concatenate(parts_g))
    keep = group >= 0
    pw, group = pw[keep], group[keep]
    bonus = np.concatenate(parts_b)[keep].astype(np.int64)
    kind = np.concatenate(parts_k)[keep]
    mw = workers.min_wage[pw].astype(np.int64)
    floor = np.where(mw > 0, mw - _BASE_BELOW_NET, -_BASE_CLIP)
    return _Probes(
        worker=pw,
        local=np.searchsorted(rows, pw),
        group=group,
        bonus=bonus,
        kind=kind,
        pos=index.group_start[group].copy(),
        floor=floor,
    )


def _group_key(trainee: np.ndarray, level: int, occupation: np.ndarray, region: np.ndarray) -> np.ndarray:
    return (
        ((trainee.astype(np.int64) * 3 + level) << 52)
        | ((occupation.astype(np.int64) & 0xFFFFFFFF) << 20)
        | (np.asarray(region).astype(np.int64) & 0xFFFFF)
    )


def _scan_end(index: _Index, probes: _Probes, theta: np.ndarray) -> np.ndarray:
    """End of the scan of each probe: postings with base + bonus >= theta and base >= floor."""
    with np.errstate(invalid="ignore"):
        t = np.where(np.isfinite(theta), np.ceil(theta - probes.bonus), -float(_BASE_CLIP))
    t = np.clip(np.maximum(t.astype(np.int64), probes.floor), -_BASE_CLIP, _BASE_CLIP)
    return np.searchsorted(index.sort_key, probes.group * _BASE_SHIFT + (_BASE_ZERO - t), side="right")


def _score_bits_desc(s: np.ndarray) -> np.ndarray:
    """float32 scores to int64 in [0, 2**32) that sort ascending as scores sort descending."""
    u = s.astype(np.float32).view(np.uint32).astype(np.int64)
    asc = np.where(u & 0x80000000, u ^ 0xFFFFFFFF, u | 0x80000000)
    return 0xFFFFFFFF - asc


def _score_from_bits(d: np.ndarray) -> np.ndarray:
    asc = 0xFFFFFFFF - d
    u = np.where(asc & 0x80000000, asc ^ 0x80000000, asc ^ 0xFFFFFFFF)
    return u.astype(np.uint32).view(np.float32)


@dataclass(frozen=True)
class _Job:
    workers: WorkerArrays
    postings: PostingArrays
    index: _Index
    k: int
    places: _Places
    exclude: np.ndarray  # sorted int64 keys worker << 32 | posting
    start_lo: int  # earliest and latest start day among open postings
    start_hi: int
    posting_bits: int


def _expand(probes: _Probes, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions pos..end of every probe, and the probe each belongs to."""
    lens = np.maximum(end - probes.pos, 0)
    total = int(lens.sum())
    owner = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
    offsets = np.repeat(probes.pos - (np.cumsum(lens) - lens), lens)
    return offsets + np.arange(total, dtype=np.int64), owner


def _top_k_chunk(job: _Job, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Exact top-k (worker, posting, worker score, posting score) for the sorted worker indices `rows`."""
    workers, postings, index, k = job.workers, job.postings, job.index, job.k
    pbits = job.posting_bits
    wshift = 32 + pbits
    empty = (np.zeros(0, np.int32),) * 2 + (np.zeros(0, np.float32),) * 2
    # Workers whose window or age excludes every open posting's start day need no search.
    lo = np.maximum(workers.available_from[rows], workers.adult_from[rows])
    rows = rows[(lo <= job.start_hi) & (workers.available_to[rows] >= job.start_lo)]
    if len(rows) == 0 or k <= 0:
        return empty
    probes = _build_probes(workers, index, rows)
    nloc = len(rows)
    if len(probes.worker) == 0:
        return empty

    # First threshold: per worker, the best probe's bound at depth FIRST_DEPTH * k, less a margin.
    depth = max(1, math.ceil(_FIRST_DEPTH * k))
    cap = _scan_end(index, probes, np.full(len(probes.worker), -np.inf))
    deep = np.minimum(probes.pos + depth, cap) - 1
    bound = np.where(deep >= probes.pos, index.base[np.maximum(deep, 0)] + probes.bonus, -np.inf)
    theta = np.full(nloc, -np.inf)
    np.maximum.at(theta, probes.local, bound)
    theta -= _FIRST_MARGIN
    step = np.full(nloc, _STEP)

    best = np.zeros(0, np.int64)  # packed keys of the current top-k, sorted
    active = np.ones(nloc, bool)
    home_pref = workers.home_prefecture
    while len(probes.worker):
        end = _scan_end(index, probes, theta[probes.local])
        pos_idx, owner = _expand(probes, end)
        probes.pos = np.maximum(probes.pos, end)
        p = index.posting[pos_idx]
        w = probes.worker[owner]
        kind = probes.kind[owner]
        # Keep each posting only in its owning probe (see the module docstring).
        in_home = postings.prefecture[p] == home_pref[w]
        owned = np.where(kind == 2, True, ~in_home)
        anywhere = np.flatnonzero((kind == 0) & owned)
        owned[anywhere] = _choice_rank(workers, w[anywhere], postings.province[p[anywhere]]) == _NO_RANK
        if len(job.exclude):
            q = (w << 32) | p
            at = np.minimum(np.searchsorted(job.exclude, q), len(job.exclude) - 1)
            owned &= job.exclude[at] != q
        sel = np.flatnonzero(owned)
        w, p, loc = w[sel], p[sel], probes.local[owner[sel]]
        ok = infeasibility(workers, postings, w, p, occupation_ok=np.ones(len(w), bool)) == 0
        w, p, loc = w[ok], p[ok], loc[ok]
        score = _worker_total(_worker_side(workers, postings, w, p, job.places))
        keys = (loc << wshift) | (_score_bits_desc(score) << pbits) | p
        best = np.sort(np.concatenate((best, keys)))
        group = best >> wshift
        first = np.r_[True, group[1:] != group[:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(len(best)), 0))
        best = best[np.arange(len(best)) - start < k]

        # Who is finished: k found with the k-th at or above theta, or nothing left to scan.
        group = best >> wshift
        count = np.bincount(group, minlength=nloc)
        kth = np.full(nloc, -np.inf)
        last = np.flatnonzero(np.r_[group[1:] != group[:-1], True]) if len(best) else np.zeros(0, np.int64)
        full = last[count[group[last]] == k]
        kth[group[full]] = _score_from_bits((best[full] >> pbits) & 0xFFFFFFFF)
        remaining = np.zeros(nloc, bool)
        remaining[probes.local[probes.pos < cap]] = True
        done = ~remaining | (count >= k) & (kth >= theta)
        active &= ~done
        theta = np.where(count >= k, np.minimum(kth, theta), theta - step)
        step *= _STEP_GROWTH
        keep = active[probes.local] & (probes.pos < cap)
        probes = _Probes(*(getattr(probes, f)[keep] for f in probes.__dataclass_fields__))
        cap = cap[keep]

    w = rows[best >> wshift]
    p = best & ((1 << pbits) - 1)
    posting_score = _posting_total(_posting_side(workers, postings, w, p, rows))
    # Narrow types: these arrays travel back from worker processes.
    return w.astype(np.int32), p.astype(np.int32), _score_from_bits((best >> pbits) & 0xFFFFFFFF), posting_score


_JOB: _Job | None = None  # the job a forked process works on


def _run_chunks(chunks: list[np.ndarray]) -> list[tuple[np.ndarray, ...]]:
    if _JOB is None:
        raise RuntimeError("no generation job in this process")
    return [_top_k_chunk(_JOB, rows) for rows in chunks]


def generate(
    workers: WorkerArrays,
    postings: PostingArrays,
    *,
    k: int = 20,
    only_workers=None,
    open_postings: np.ndarray | None = None,
    exclude: tuple[np.ndarray, np.ndarray] | np.ndarray | None = None,
    processes: int = 1,
) -> Candidates:
    """Top-k feasible postings per worker by the worker's score, exactly.

    Ties go to the lower posting index. ``only_workers`` limits the workers
    (an index array, e.g. the unmatched ones in an extension round);
    ``open_postings`` is a bool mask of the postings to consider;
    ``exclude`` holds pairs never to return (already in the workers' lists):
    a tuple (worker indices, posting indices) or an (N, 2) array. ``processes`` > 1 splits
    the workers across forked processes (where the platform can fork; else
    it runs in this process); the result does not depend on it.
    Results are grouped by worker, in ascending worker index, best first.
    """
    global _JOB
    n, m = len(workers), len(postings)
    rows_all = np.arange(n, dtype=np.int64) if only_workers is None else unique(_as_index(only_workers))
    open_mask = np.ones(m, bool) if open_postings is None else np.asarray(open_postings, bool).copy()
    if exclude is not None:
        if isinstance(exclude, np.ndarray) and exclude.ndim == 2:
            exclude = (exclude[:, 0], exclude[:, 1])
        ex_w, ex_p = _as_index(exclude[0]), _as_index(exclude[1])
        if only_workers is not None:  # pairs of other workers cannot come up; drop them early
            wanted = np.zeros(n, bool)
            wanted[rows_all] = True
            ex_w, ex_p = ex_w[wanted[ex_w]], ex_p[wanted[ex_w]]
        ex = unique((ex_w << 32) | ex_p)
    else:
        ex = np.zeros(0, np.int64)
    starts = postings.start_day[open_mask]
    posting_bits = max(1, int(m - 1).bit_length())
    job = _Job(
        workers=workers,
        postings=postings,
        index=_build_index(postings, open_mask),
        places=_Places(_unit_vectors(workers.home_lat, workers.home_lng), _unit_vectors(postings.lat, postings.lng)),
        k=int(k),
        exclude=ex,
        start_lo=int(starts.min()) if len(starts) else INT32_MAX,
        start_hi=int(starts.max()) if len(starts) else INT32_MIN,
        posting_bits=posting_bits,
    )
    # Chunks small enough to pack (worker, score, posting) in 63 bits, and to stay in cache.
    chunk = min(1 << (31 - posting_bits), 8192)
    chunks = [rows_all[i : i + chunk] for i in range(0, len(rows_all), chunk)]
    if processes > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        tasks = [chunks[i :: processes * 4] for i in range(processes * 4)]
        _JOB = job
        try:
            with ctx.Pool(processes) as pool:
                done = pool.map(_run_chunks, tasks)
        finally:
            _JOB = None
        results: list = [None] * len(chunks)
        for i, part in enumerate(done):
            results[i :: processes * 4] = part
    else:
        results = [_top_k_chunk(job, rows) for rows in chunks]

    def column(i: int, dtype) -> np.ndarray:
        return np.concatenate([r[i] for r in results]).astype(dtype) if results else np.zeros(0, dtype)

    return Candidates(
        worker=column(0, np.int32),
        posting=column(1, np.int32),
        worker_score=column(2, np.float32),
        posting_score=column(3, np.float32),
    )
