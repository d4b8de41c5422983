"""Stable assignment of workers to postings: deferred acceptance on top-k candidate lists.

Pure Python + numpy; nothing here imports Django. The caller turns database rows into
integer-indexed arrays (`Edges`, capacities, cohorts) and back.

Contract
--------
Input is a set of candidate pairs (`Edges`, one row per (worker, posting) pair, any order,
at most one row per pair) with two scores each: the worker's score of the posting and the
posting's score of the worker, higher = preferred. `capacity[p]` is the number of free seats
of posting p. `match` returns the worker-proposing deferred-acceptance assignment
(hospitals/residents form), which for single workers is the worker-optimal stable assignment
on the considered lists.

Strict preferences (tie-breaking, deterministic):

* a worker ranks postings by its worker score, then by lower posting index;
* a posting ranks workers by its posting score, then by lower worker index.

Cohorts. `cohort[w]` is -1 for a worker alone, else a cohort id. The members of a cohort form
one proposing unit that needs as many seats as it has members; a posting holds or rejects it
whole. A cohort's candidate postings are those every member has an edge to. The unit ranks
them by the mean of its members' worker scores (then lower posting index); a posting scores
the unit by the minimum of its members' posting scores (a posting judges a group by its weakest
member), ties broken by the unit's lowest member index. A one-member cohort is a single worker.
A posting chooses among the units proposing to it and the units it holds greedily: in its
preference order it keeps every unit that still fits in its seats and rejects the others.

Top-k and extension. In the first pass only each unit's k most preferred candidates are used.
Afterwards units left unmatched get longer lists and deferred acceptance continues, until an
extension adds no matched worker or `max_extensions` extensions have run:

* without a callback, a single worker's list grows by its next k given edges to postings with
  remaining capacity > 0 (edges passed over because their posting was full stay unconsidered);
* with `extend(unmatched_worker_indices, remaining_capacity) -> Edges`, the caller supplies new
  edges (it regenerates candidates); rows for other workers and rows already known (given
  earlier) are ignored, all other rows are appended to the unmatched singles' lists. With
  `match(..., extend_fresh=True)` the callback promises that it returns no known pair (as when
  it excludes every pair listed so far), and the engine skips its check against the known
  edges (a check proportional to all edges of the asked workers, each extension); a known pair
  returned anyway would be listed twice;
* a cohort's list grows by its next k not yet considered candidates (computed over all edges
  known so far) whose posting has remaining capacity >= the cohort's size.

Appending to the tails of unmatched workers' lists and continuing deferred acceptance gives the
same result as running it from scratch on the extended lists (for singles): the outcome of
worker-proposing deferred acceptance does not depend on the order in which proposals are made,
and the run on the extended lists can make all the first run's proposals first. Preferences
are by score, so a list whose appended tail holds a posting scored above an earlier one is
still consistent: every considered posting the worker scores above its final posting has
rejected it.

Stability (with cohorts). A unit u (a single or a cohort) and a posting p form a blocking pair
if (p, u) is a considered candidate pair, u prefers p to its assignment (or is unmatched), and
p could seat u whole by using its free seats plus the seats of the units it holds and scores
strictly below u. An assignment without blocking pairs is stable. Without cohorts the result
has no blocking pair and is exactly the worker-optimal stable assignment of the considered
lists. With sized units a stable assignment may not exist (a known result for couples), and
deferred acceptance can leave blocking pairs: for example a held cohort displaced by a smaller
unit frees seats after a single was already rejected there. After deferred acceptance settles,
the engine lets each unit in a blocking pair re-propose to its best blocking posting (withdrawing
from its current one), for a bounded number of passes, and reports the blocking pairs that
remain in `Result.blocking_pairs`.

Performance. A single worker just rejected skips, in the same round, the next entries of its
list that would be rejected outright (a full posting without cohorts that holds only workers it
scores higher), so the long tail of rounds in which few workers walk down long lists is short.
Posting preferences become one int64 key per (posting, unit) pair: an
order-preserving 32-bit code of the posting score (the float32 bit pattern, or a rank among
the distinct values when scores are not exactly float32) shifted above the inverted tie index.
Worker lists are a CSR sorted by preference (no sort when the edges already come grouped by
worker in preference order). Proposals are made in rounds by every free unit at once; a posting
keeps its worst held key, so most proposals are rejected by one vectorised comparison. Each
posting's held units sit in a slot table sorted best first; proposals of single workers are
merged in by rank (a vectorised binary search) and only the slots below the best newcomer are
rewritten. Postings that hold or are offered a cohort take a general greedy path (sorted
merge, then a few vectorised fill passes). Blocking pairs are searched for only at postings
where they can arise (see `_Engine.blocking`).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

_I32 = np.int32
_I64 = np.int64
_F64 = np.float64
_NO_KEY = np.iinfo(np.int64).max


class Reason(enum.IntEnum):
    """Why an edge does or does not hold the worker's assignment."""

    MATCHED = 0
    WORKER_PREFERRED_OTHER = 1  # the worker (its unit) got a posting it ranks higher
    POSTING_FULL = 2  # proposed and rejected: the posting is filled with workers it scores higher
    NOT_REACHED = 3  # the edge was never in the worker's considered list
    COHORT_NOT_SEATED = 4  # the worker's cohort could not be placed there whole


@dataclass(frozen=True)
class Edges:
    """Candidate (worker, posting) pairs, one per row, in any order."""

    worker: np.ndarray
    posting: np.ndarray
    worker_score: np.ndarray
    posting_score: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "worker", np.asarray(self.worker, dtype=_I32))
        object.__setattr__(self, "posting", np.asarray(self.posting, dtype=_I32))
        for name in ("worker_score", "posting_score"):
            a = np.asarray(getattr(self, name))
            if a.dtype not in (np.float32, np.float64):
                a = a.astype(_F64)
            object.__setattr__(self, name, a)
        n = len(self.worker)
        if not (len(self.posting) == len(self.worker_score) == len(self.posting_score) == n):
            raise ValueError("Edges arrays must have the same length")

    def __len__(self) -> int:
        return len(self.worker)

    def take(self, index: np.ndarray) -> Edges:
        return Edges(self.worker[index], self.posting[index], self.worker_score[index], self.posting_score[index])

    @staticmethod
    def concat(parts: list[Edges]) -> Edges:
        return Edges(
            np.concatenate([e.worker for e in parts]),
            np.concatenate([e.posting for e in parts]),
            np.concatenate([e.worker_score for e in parts]),
            np.concatenate([e.posting_score for e in parts]),
        )

    @staticmethod
    def empty() -> Edges:
        z = np.zeros(0, _I32)
        return Edges(z, z, np.zeros(0, _F64), np.zeros(0, _F64))


@dataclass
class Result:
    """Outcome of `match`.

    `edges` (all given edges in their given order, then the edges added by the extension
    callback), `considered` (which of them were in a unit's list) and `reasons` (one `Reason`
    code per row of `edges`) are filled only when `match(..., reasons=True)`.
    """

    assignment: np.ndarray
    rounds: int = 0
    extensions: int = 0
    proposals: int = 0
    matched_per_pass: list[int] = field(default_factory=list)
    blocking_pairs: int = 0
    reduction_passes: int = 0
    seconds_first_pass: float = 0.0
    seconds_extensions: float = 0.0
    edges: Edges | None = None
    considered: np.ndarray | None = None
    reasons: np.ndarray | None = None

    def considered_edges(self) -> Edges:
        if self.edges is None or self.considered is None:
            raise ValueError("call match(..., reasons=True) to keep the considered edges")
        return self.edges.take(np.flatnonzero(self.considered))


# ---------------------------------------------------------------------------------------------
# Helpers shared by the engine and the stability check


class _Coder:
    """Order-preserving integer codes in [0, 2**32) for posting scores."""

    def __init__(self, *arrays: np.ndarray) -> None:
        self.uniq: np.ndarray | None = None
        self.add(*arrays)

    @staticmethod
    def _exact_f32(a: np.ndarray) -> bool:
        if a.dtype == np.float32:
            return True
        return bool(np.array_equal(a.astype(np.float32).astype(a.dtype), a))

    def add(self, *arrays: np.ndarray) -> bool:
        """Make the codes cover these values; True if codes of earlier values changed."""
        for a in arrays:
            if a.size and np.isnan(a).any():
                raise ValueError("scores must not be NaN")
        if self.uniq is None and all(self._exact_f32(a) for a in arrays):
            return False
        values = [_sorted_unique(np.asarray(a, _F64)) for a in arrays]
        if self.uniq is not None:
            values.append(self.uniq)
        new = _sorted_unique(np.concatenate(values))
        changed = self.uniq is None or len(new) != len(self.uniq)
        self.uniq = new
        return changed

    def code(self, values: np.ndarray) -> np.ndarray:
        if self.uniq is not None:
            return np.searchsorted(self.uniq, np.asarray(values, _F64)).astype(_I64)
        v = np.asarray(values, np.float32) + np.float32(0.0)  # -0.0 -> +0.0
        b = v.view(_I32)
        c = b ^ ((b >> 31) & _I32(0x7FFFFFFF))
        return c.astype(_I64) + (1 << 31)


def _narrow_float(a: np.ndarray) -> np.ndarray:
    """float32 when that holds the values exactly (the store keeps the narrowest exact type)."""
    a = np.asarray(a)
    if a.dtype == np.float32:
        return a
    a = np.asarray(a, _F64)
    return a.astype(np.float32) if _Coder._exact_f32(a) else a


def _narrow_int(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, _I64)
    if a.size == 0 or (a.min() >= np.iinfo(_I32).min and a.max() <= np.iinfo(_I32).max):
        return a.astype(_I32)
    return a


def _tie_bits(n_workers: int) -> int:
    bits = max(1, int(max(n_workers - 1, 1)).bit_length())
    if bits > 30:
        raise ValueError("at most 2**30 workers")
    return bits


def _seg_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal values in a sorted array."""
    if sorted_keys.size == 0:
        return np.zeros(0, _I64)
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    return np.concatenate(([0], change)).astype(_I64)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    s = np.sort(a)
    if s.size == 0:
        return s
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def _member(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a[i] in b, by sorting (np.isin hashes, which is slow on large integer arrays)."""
    if a.size == 0 or b.size == 0:
        return np.zeros(a.shape, bool)
    sb = np.sort(b)
    pos = np.minimum(np.searchsorted(sb, a), len(sb) - 1)
    return sb[pos] == a


def _bucket(keys: np.ndarray, bits: int) -> np.ndarray:
    """A hash of non-negative int64 keys into [0, bits) (bits a power of two)."""
    h = keys * _I64(-7046029254386353131)  # wraps around: a multiplicative hash
    h >>= 29
    h &= bits - 1
    return h


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + n) for each (s, n)."""
    lengths = np.asarray(lengths, _I64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, _I64)
    nz = lengths > 0
    s, n = np.asarray(starts, _I64)[nz], lengths[nz]
    step = np.ones(total, _I64)
    ends = np.cumsum(n)
    step[0] = s[0]
    step[ends[:-1]] = s[1:] - (s[:-1] + n[:-1] - 1)
    return np.cumsum(step)


def _dense_cohorts(cohort: np.ndarray | None, n_workers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cohort id per worker renumbered 0..C-1 (-1 alone; one-member cohorts become alone),
    the size of each cohort and its lowest member index."""
    if cohort is None:
        return np.full(n_workers, -1, _I32), np.zeros(0, _I64), np.zeros(0, _I32)
    cohort = np.asarray(cohort, _I64)
    if cohort.shape != (n_workers,):
        raise ValueError("cohort must have one entry per worker")
    members = np.flatnonzero(cohort >= 0)
    _, inv, counts = np.unique(cohort[members], return_inverse=True, return_counts=True)
    keep = counts[inv] >= 2
    members, inv = members[keep], inv[keep]
    used, dense = np.unique(inv, return_inverse=True)
    out = np.full(n_workers, -1, _I32)
    out[members] = dense
    size = counts[used].astype(_I64)
    lowest = np.full(len(used), np.iinfo(_I32).max, _I32)
    np.minimum.at(lowest, dense, members.astype(_I32))
    return out, size, lowest


def _cohort_unit_edges(
    w: np.ndarray, p: np.ndarray, ws: np.ndarray, ps: np.ndarray, cid: np.ndarray, size: np.ndarray, n_postings: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate postings of cohorts from their members' edges.

    Returns (cohort, posting, mean worker score, min posting score), sorted by cohort, then the
    unit's preference (mean desc, posting asc). Only postings every member has an edge to.
    """
    if w.size == 0:
        return np.zeros(0, _I64), np.zeros(0, _I32), np.zeros(0, _F64), np.zeros(0, _F64)
    key = cid[w].astype(_I64) * n_postings + p
    o = np.lexsort((w, key))
    key = key[o]
    starts = _seg_starts(key)
    cnt = np.diff(np.append(starts, len(key)))
    gk = key[starts]
    gc, gp = gk // n_postings, (gk % n_postings).astype(_I32)
    sums = np.add.reduceat(ws[o].astype(_F64), starts)
    mins = np.minimum.reduceat(ps[o].astype(_F64), starts)
    ok = cnt == size[gc]
    gc, gp, mean, mins = gc[ok], gp[ok], sums[ok] / cnt[ok], mins[ok]
    o2 = np.lexsort((gp, -mean, gc))
    return gc[o2], gp[o2], mean[o2], mins[o2]


def _blocking_mask(
    q_unit: np.ndarray,
    q_post: np.ndarray,
    q_key: np.ndarray,
    q_pref: np.ndarray,
    unit_size: np.ndarray,
    unit_post: np.ndarray,
    unit_pref: np.ndarray,
    unit_key: np.ndarray,
    capacity: np.ndarray,
    held: np.ndarray | None = None,
) -> np.ndarray:
    """Which candidate pairs (q_*) block the assignment given per unit (unit_post, -1 unmatched;
    unit_pref and unit_key: the unit's preference score of, and key at, its posting). `held`, when
    given, lists the held units at least at every posting of q_post (the others are not needed)."""
    up = unit_post[q_unit]
    prefers = (up < 0) | (q_pref > unit_pref[q_unit]) | ((q_pref == unit_pref[q_unit]) & (q_post < up))
    prefers &= q_post != up
    if held is None:
        held = np.flatnonzero(unit_post >= 0)
    hp = unit_post[held].astype(_I64)
    used = np.bincount(hp, weights=unit_size[held], minlength=len(capacity)).astype(_I64)
    free = np.asarray(capacity, _I64) - used
    # worst held key per posting; a pair below every held unit needs free seats alone
    worst = np.full(len(capacity), _NO_KEY, _I64)
    np.minimum.at(worst, hp, unit_key[held])
    qs = unit_size[q_unit]
    cand = np.flatnonzero(prefers & ((free[q_post] >= qs) | (q_key > worst[q_post])))
    out = np.zeros(len(q_unit), bool)
    if cand.size == 0:
        return out
    # exact count of seats held by units scored strictly below each candidate
    n_h = len(held)
    allp = np.concatenate((hp, q_post[cand].astype(_I64)))
    allk = np.concatenate((unit_key[held], q_key[cand]))
    alls = np.concatenate((unit_size[held], np.zeros(len(cand), _I64)))
    o = np.lexsort((allk, allp))
    cs = np.cumsum(alls[o])
    sp = allp[o]
    starts = _seg_starts(sp)
    base = np.repeat(cs[starts] - alls[o][starts], np.diff(np.append(starts, len(sp))))
    below = np.empty(len(allp), _I64)
    below[o] = cs - alls[o] - base
    seats = free[q_post[cand]] + below[n_h:]
    out[cand] = seats >= qs[cand]
    return out


def blocking_pairs(edges: Edges, capacity: np.ndarray, assignment: np.ndarray, cohort: np.ndarray | None = None) -> int:
    """Number of blocking (unit, posting) pairs of `assignment` among `edges` (see the module
    docstring for the definition with cohorts). Pass the considered edges of a run
    (`Result.considered_edges()`) to check that run."""
    assignment = np.asarray(assignment, _I64)
    n_workers = len(assignment)
    n_postings = len(capacity)
    cid, csize, clow = _dense_cohorts(cohort, n_workers)
    n_c = len(csize)
    coder = _Coder(edges.posting_score)
    wb = _tie_bits(n_workers)
    mask = (1 << wb) - 1

    single = cid[edges.worker] < 0
    sw = edges.worker[single].astype(_I64)
    sp = edges.posting[single]
    s_pref = edges.worker_score[single].astype(_F64)
    s_key = (coder.code(edges.posting_score[single]) << wb) | (mask - sw)
    mem = ~single
    gc, gp, gmean, gmin = _cohort_unit_edges(
        edges.worker[mem], edges.posting[mem], edges.worker_score[mem], edges.posting_score[mem], cid, csize, n_postings
    )
    g_key = (coder.code(gmin) << wb) | (mask - clow[gc].astype(_I64))

    q_unit = np.concatenate((sw, n_workers + gc))
    q_post = np.concatenate((sp, gp)).astype(_I64)
    q_key = np.concatenate((s_key, g_key))
    q_pref = np.concatenate((s_pref, gmean))

    n_units = n_workers + n_c
    unit_size = np.ones(n_units, _I64)
    unit_size[n_workers:] = csize
    unit_post = np.full(n_units, -1, _I64)
    alone = cid < 0
    unit_post[:n_workers][alone] = assignment[alone]
    members = np.flatnonzero(~alone)
    if members.size:
        first = np.full(n_c, -2, _I64)
        first[cid[members]] = assignment[members]
        if np.any(first[cid[members]] != assignment[members]):
            raise ValueError("a cohort is split across postings")
        unit_post[n_workers:] = first
    # preference and key of each unit at its assigned posting
    unit_pref = np.full(n_units, -np.inf, _F64)
    unit_key = np.zeros(n_units, _I64)
    at = np.flatnonzero(q_post == unit_post[q_unit])
    unit_pref[q_unit[at]] = q_pref[at]
    unit_key[q_unit[at]] = q_key[at]
    matched_units = np.flatnonzero(unit_post >= 0)
    has_edge = np.zeros(n_units, bool)
    has_edge[q_unit[at]] = True
    if not has_edge[matched_units].all():
        raise ValueError("a unit is assigned to a posting it has no candidate edge to")
    blocked = _blocking_mask(q_unit, q_post, q_key, q_pref, unit_size, unit_post, unit_pref, unit_key, capacity)
    return int(blocked.sum())


# ---------------------------------------------------------------------------------------------
# The engine


class _Engine:
    """State of one run. Unit ids: worker w alone is unit w; cohort c is unit n_workers + c.

    A unit's list is a sequence of entries in a virtual store: positions [0, EA) are the given
    edges sorted by (worker, preference) ("A"); positions EA + i are appended entries ("B":
    cohort lists and extension lists). `ptr[u]` is the next entry to propose, `lim[u]` the end
    of the current segment.
    """

    def __init__(self, edges: Edges, capacity: np.ndarray, n_workers: int, cohort: np.ndarray | None, k: int) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.k = k
        self.nw = n_workers
        self.cap = np.maximum(np.asarray(capacity, _I64), 0)
        self.np_ = len(self.cap)
        self.wb = _tie_bits(n_workers)
        self.wmask = (1 << self.wb) - 1
        self.n_given = len(edges)
        w, p = edges.worker, edges.posting
        if len(edges) and (w.min() < 0 or w.max() >= n_workers or p.min() < 0 or p.max() >= self.np_):
            raise ValueError("edge index out of range")
        self.order = None if self._is_sorted(edges) else np.lexsort((p, -edges.worker_score, w))
        if self.order is None:
            self.Aw, self.Ap, self.Aws, self.Aps = w, p, edges.worker_score, edges.posting_score
        else:
            o = self.order
            self.Aw, self.Ap = w[o], p[o]
            self.Aws, self.Aps = edges.worker_score[o], edges.posting_score[o]
        self.EA = len(self.Aw)
        self.coder = _Coder(self.Aps)
        deg = np.bincount(self.Aw, minlength=n_workers).astype(_I64)
        self.wstart = np.zeros(n_workers + 1, _I64)
        np.cumsum(deg, out=self.wstart[1:])

        self.cid, self.csize, self.clow = _dense_cohorts(cohort, n_workers)
        self.nc = len(self.csize)
        nu = n_workers + self.nc
        self.nu = nu
        self.usize = np.ones(nu, _I64)
        self.usize[n_workers:] = self.csize
        self.utie = np.empty(nu, _I64)
        self.utie[:n_workers] = np.arange(n_workers)
        self.utie[n_workers:] = self.clow
        self.alone = self.cid < 0

        # extension and blocking bookkeeping: per-unit position of the next not yet listed edge
        self.ptr = np.zeros(nu, _I64)
        self.lim = np.zeros(nu, _I64)
        singles = np.flatnonzero(self.alone)
        self.ptr[singles] = self.wstart[singles]
        self.lim[singles] = self.wstart[singles] + np.minimum(deg[singles], k)
        self.first_lim = self.lim[:n_workers].copy()  # considered A entries: [wstart, first_lim)
        self.scan = self.lim[:n_workers].copy()  # next A entry not yet listed (for extension)
        # a unit's list is a chain of segments of the store; segment w is single w's A segment
        self.seg_start = self.wstart[:-1].copy()
        self.seg_end = np.where(self.alone, self.first_lim, self.wstart[:-1])
        self.seg_next = np.full(n_workers, -1, _I64)
        self.cur_seg = np.full(nu, -1, _I64)
        self.cur_seg[singles] = singles
        self.last_seg = self.cur_seg.copy()
        self.B_seg = np.zeros(0, _I64)
        # B store (lists of chunks, concatenated lazily)
        self.B_post = np.zeros(0, _I32)
        self.B_ps = np.zeros(0, _F64)
        self.B_ws = np.zeros(0, _F64)
        self.B_src = np.zeros(0, _I64)  # edge id (sorted numbering) for singles, -1 for cohorts
        self.B_unit = np.zeros(0, _I64)
        self.X: list[Edges] = []  # edges added by the callback
        self.X_members: list[Edges] = []  # those of cohort members
        self.n_x = 0
        self.coh_pairs = np.zeros(0, _I64)  # considered cohort*P + posting
        self.deg_b = np.zeros(self.np_, _I64)  # B entries per posting
        self.any_cohort = self.nc > 0
        if self.any_cohort:
            self._extend_cohorts(np.arange(self.nc), None)

        self.held = np.full(nu, -1, _I64)  # posting held at
        self.held_e = np.full(nu, -1, _I64)  # entry held with
        self.used = np.zeros(self.np_, _I64)
        self.n_held = np.zeros(self.np_, _I64)
        self.has_coh = np.zeros(self.np_, _I64)
        self.worst = np.full(self.np_, _NO_KEY, _I64)
        self.flag = np.zeros(self.np_, bool)
        self.slot_cap: np.ndarray = np.zeros(0, _I64)
        self.deg_p = np.bincount(self.Ap, minlength=self.np_).astype(_I64)
        self.rounds = 0
        self.proposals = 0
        self._layout_slots()

    # -- input ---------------------------------------------------------------------------------

    @staticmethod
    def _is_sorted(e: Edges) -> bool:
        if len(e) < 2:
            return True
        dw = e.worker[1:] - e.worker[:-1]
        if dw.min() < 0:
            return False
        same = dw == 0
        a, b = e.worker_score[:-1], e.worker_score[1:]
        ok = (b < a) | ((b == a) & (e.posting[1:] > e.posting[:-1]))
        return bool(np.all(ok | ~same))

    # -- the store -----------------------------------------------------------------------------

    def _append_lists(self, post, ps, ws, src, unit) -> np.ndarray:
        """Append entries (grouped by unit, in preference order) as one new segment per unit at
        the end of its chain; the units (exhausted or new) continue there. Returns the units."""
        unit = np.asarray(unit, _I64)
        if unit.size == 0:
            return unit
        b0 = self.EA + len(self.B_post)
        self.deg_b += np.bincount(np.asarray(post, _I64), minlength=self.np_)
        st = _seg_starts(unit)
        units = unit[st]
        cnt = np.diff(np.append(st, len(unit)))
        sid = len(self.seg_start) + np.arange(len(units), dtype=_I64)
        self.seg_start = np.concatenate((self.seg_start, b0 + st))
        self.seg_end = np.concatenate((self.seg_end, b0 + st + cnt))
        self.seg_next = np.concatenate((self.seg_next, np.full(len(units), -1, _I64)))
        last = self.last_seg[units]
        self.seg_next[last[last >= 0]] = sid[last >= 0]
        self.last_seg[units] = sid
        self.cur_seg[units] = sid
        self.ptr[units] = b0 + st
        self.lim[units] = b0 + st + cnt
        self._grow_B(
            {
                "B_post": np.asarray(post, _I32),
                "B_ps": _narrow_float(ps),
                "B_ws": _narrow_float(ws),
                "B_src": _narrow_int(src),
                "B_unit": unit.astype(_I32),
                "B_seg": np.repeat(sid, cnt).astype(_I32),
            }
        )
        return units

    def _grow_B(self, parts: dict[str, np.ndarray]) -> None:
        """Append to the B arrays; they are views of buffers that grow by doubling."""
        n0 = len(self.B_post)
        n1 = n0 + len(parts["B_post"])
        buffers = self.__dict__.setdefault("_B_buffers", {})
        for name, values in parts.items():
            buf = buffers.get(name)
            dtype = values.dtype if buf is None else np.result_type(buf.dtype, values.dtype)
            if buf is None or len(buf) < n1 or buf.dtype != dtype:
                new = np.empty(max(n1, 2 * (0 if buf is None else len(buf)), 1024), dtype)
                new[:n0] = getattr(self, name)
                buffers[name] = buf = new
            buf[n0:n1] = values
            setattr(self, name, buf[:n1])

    def _live(self, units: np.ndarray) -> np.ndarray:
        """The units that can still propose, moving exhausted ones to their next segment."""
        while True:
            done = self.ptr[units] >= self.lim[units]
            if not done.any():
                return units
            d = units[done]
            cs = self.cur_seg[d]
            nx = np.where(cs >= 0, self.seg_next[np.maximum(cs, 0)], -1)
            d, nx = d[nx >= 0], nx[nx >= 0]
            self.cur_seg[d] = nx
            self.ptr[d] = self.seg_start[nx]
            self.lim[d] = self.seg_end[nx]
            units = np.concatenate((units[~done], d))

    def _key(self, ps: np.ndarray, unit: np.ndarray) -> np.ndarray:
        return (self.coder.code(ps) << self.wb) | (self.wmask - self.utie[unit])

    def _entries(self, e: np.ndarray, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posting and posting key of entries e proposed by units."""
        if len(self.B_post) == 0 or e.size == 0 or e.max() < self.EA:
            return self.Ap[e], self._key(self.Aps[e], unit)
        post = np.empty(len(e), _I32)
        key = np.empty(len(e), _I64)
        a = e < self.EA
        ia, ib = np.flatnonzero(a), np.flatnonzero(~a)
        ea, eb = e[ia], e[ib] - self.EA
        post[ia] = self.Ap[ea]
        key[ia] = self._key(self.Aps[ea], unit[ia])
        post[ib] = self.B_post[eb]
        key[ib] = self._key(self.B_ps[eb], unit[ib])
        return post, key

    def _pref(self, e: np.ndarray) -> np.ndarray:
        out = np.empty(len(e), _F64)
        a = e < self.EA
        out[a] = self.Aws[e[a]]
        out[~a] = self.B_ws[e[~a] - self.EA]
        return out

    # -- held sets -----------------------------------------------------------------------------

    def _layout_slots(self, force: bool = True) -> None:
        """(Re)build the per-posting slot table from the held units (only when some posting
        may now hold more units, or when the keys changed)."""
        full = np.minimum(self.cap, self.nu)
        # room for every seat when that is small (the table never needs to grow), else for every
        # unit that lists the posting (deg_b grows with the appended entries, kept incrementally)
        small = int(full.sum()) <= 4 * (self.EA + self.nu)
        slot_cap = full if small else np.minimum(self.cap, self.deg_p + self.deg_b)
        if not force and np.array_equal(slot_cap, self.slot_cap):
            return
        self.slot_cap = slot_cap
        self.ss = np.zeros(self.np_ + 1, _I64)
        np.cumsum(slot_cap, out=self.ss[1:])
        self.slot_u = np.full(int(self.ss[-1]), -1, _I64)
        self.slot_k = np.zeros(int(self.ss[-1]), _I64)
        hu = np.flatnonzero(self.held >= 0)
        hp = self.held[hu]
        keys = self._entries(self.held_e[hu], hu)[1] if hu.size else np.zeros(0, _I64)
        o = np.lexsort((-keys, hp))  # slots hold each posting's units best first
        hu, hp, keys = hu[o], hp[o], keys[o]
        starts = _seg_starts(hp)
        rank = np.arange(len(hp)) - np.repeat(starts, np.diff(np.append(starts, len(hp))))
        pos = self.ss[hp] + rank
        self.slot_u[pos] = hu
        self.slot_k[pos] = keys
        self.n_held[:] = np.bincount(hp, minlength=self.np_)
        self.worst[:] = _NO_KEY
        np.minimum.at(self.worst, hp, keys)

    # -- deferred acceptance -------------------------------------------------------------------

    def run(self, active: np.ndarray) -> None:
        active = self._live(active)
        P = self.np_
        while active.size:
            self.rounds += 1
            self.proposals += int(active.size)
            e = self.ptr[active]
            self.ptr[active] = e + 1
            post, key = self._entries(e, active)
            size = self.usize[active]
            free = self.cap[post] - self.used[post]
            rej = (free < size) & (key < self.worst[post])
            if self.any_cohort:
                coh = size > 1
                cx = self.has_coh[post] > 0
                if coh.any():
                    mark = np.zeros(P, bool)
                    mark[post[coh]] = True
                    cx |= mark[post]
                rej &= ~cx
                # a posting none of whose proposals ranks above its worst held unit keeps all it
                # holds, so proposals that need more than its free seats are rejected outright
                if cx.any():
                    disrupt = np.zeros(P, bool)
                    disrupt[post[cx & (key > self.worst[post])]] = True
                    rej |= cx & ~disrupt[post] & (free < size)
            out = [self._skip(active[rej])]
            keep = np.flatnonzero(~rej)
            if keep.size:
                out.extend(self._decide(active[keep], e[keep], post[keep], key[keep], size[keep]))
            nxt = np.concatenate(out)
            active = self._live(nxt)

    _LOOKAHEAD = 64
    _LOOKAHEAD_ENTRIES = 1 << 21

    def _skip(self, units: np.ndarray) -> np.ndarray:
        """Advance single workers just rejected past the next entries of their current segment
        that would be rejected outright too (a posting without cohorts, full, holding only workers
        it scores higher), up to _LOOKAHEAD entries (fewer when many units are rejected);
        returns the units.

        Such a posting rejects the worker whenever it proposes: seats held above a key only fall
        when a held cohort is displaced, and the posting is then flagged for the blocking check
        (as for a real rejection). Without cohorts the outcome of deferred acceptance does not
        depend on the order of proposals, so skipping changes nothing but the number of rounds."""
        s = units[self.usize[units] == 1]
        if s.size == 0:
            return units
        start = self.ptr[s]
        # look further ahead when few units are rejected (the long tail of rounds)
        ahead = int(np.clip(self._LOOKAHEAD_ENTRIES // len(s), 2, self._LOOKAHEAD))
        n = np.minimum(self.lim[s] - start, ahead)
        idx = _ranges(start, n)
        if idx.size == 0:
            return units
        owner = np.repeat(np.arange(len(s)), n)
        post, key = self._entries(idx, s[owner])
        ok = (self.used[post] < self.cap[post]) | (key > self.worst[post])
        if self.any_cohort:
            ok |= self.has_coh[post] > 0
        # entries rejected before each unit's first acceptable one
        cs = np.cumsum(ok)
        st = np.zeros(len(s), _I64)
        np.cumsum(n[:-1], out=st[1:])
        nz = n > 0
        first = np.minimum(st, len(idx) - 1)
        base = np.repeat(np.where(nz, cs[first] - ok[first], 0), n)
        lead = (cs - base == 0) & ~ok  # rejected and no acceptable entry before it
        n_skip = np.bincount(owner[lead], minlength=len(s))
        self.ptr[s] = start + n_skip
        self.proposals += int(n_skip.sum())
        return units

    def _decide(self, u, e, post, key, size) -> list[np.ndarray]:
        o = np.lexsort((-key, post))
        u, e, post, key, size = u[o], e[o], post[o], key[o], size[o]
        starts = _seg_starts(post)
        counts = np.diff(np.append(starts, len(post)))
        gp = post[starts].astype(_I64)
        if not self.any_cohort:
            return self._insert(gp, counts, u, e, key)
        # postings involving a cohort (held or proposing) take the general greedy path
        general = (self.has_coh[gp] > 0) | (np.maximum.reduceat(size, starts) > 1)
        item_g = np.repeat(general, counts)
        res: list[np.ndarray] = []
        simple = ~general
        if simple.any():
            si = ~item_g
            res.extend(self._insert(gp[simple], counts[simple], u[si], e[si], key[si]))
        if general.any():
            res.extend(self._merge(gp[general], u[item_g], e[item_g], post[item_g].astype(_I64), key[item_g]))
        return res

    def _insert(self, gp, counts, u, e, key) -> list[np.ndarray]:
        """Single workers proposing to postings gp that hold single workers only.

        Held slots are kept sorted by key, best first; the proposals (grouped by posting, best
        first) are merged in by rank: a proposal's rank is its index among the proposals plus the
        number of held workers above it (a vectorised binary search), the posting keeps ranks
        below its capacity, and only the slots from the first proposal's rank on are rewritten."""
        n, G = len(u), len(gp)
        gstart = np.zeros(G, _I64)
        np.cumsum(counts[:-1], out=gstart[1:])
        g = np.repeat(np.arange(G), counts)
        j = np.arange(n) - gstart[g]
        H = self.n_held[gp]
        base = self.ss[gp]
        lo = np.zeros(n, _I64)
        hi = H[g]
        bg = base[g]
        act = np.flatnonzero(lo < hi)
        while act.size:
            mid = (lo[act] + hi[act]) >> 1
            right = self.slot_k[bg[act] + mid] > key[act]
            lo[act[right]] = mid[right] + 1
            hi[act[~right]] = mid[~right]
            act = act[lo[act] < hi[act]]
        r = j + lo
        F = np.minimum(H + counts, self.cap[gp])
        acc = r < F[g]
        s0 = r[gstart]
        n_acc = np.bincount(g[acc], minlength=G)
        L = np.maximum(F - s0, 0)
        n_rh = L - n_acc
        kept = _ranges(base + s0, n_rh)
        tmp_u, tmp_k = self.slot_u[kept], self.slot_k[kept]
        n_disp = np.where(L > 0, H - s0 - n_rh, 0)
        disp_u = self.slot_u[_ranges(base + s0 + n_rh, n_disp)]
        total = int(L.sum())
        rstart = np.zeros(G, _I64)
        np.cumsum(L[:-1], out=rstart[1:])
        fg = np.repeat(np.arange(G), L)
        slot_of = base[fg] + s0[fg] + (np.arange(total) - rstart[fg])
        occ = np.zeros(total, bool)
        ga = g[acc]
        newpos = rstart[ga] + (r[acc] - s0[ga])
        occ[newpos] = True
        hpos = np.flatnonzero(~occ)
        ua = u[acc]
        self.slot_u[slot_of[newpos]] = ua
        self.slot_k[slot_of[newpos]] = key[acc]
        self.slot_u[slot_of[hpos]] = tmp_u
        self.slot_k[slot_of[hpos]] = tmp_k
        self.held[disp_u] = -1
        self.held_e[disp_u] = -1
        self.held[ua] = gp[ga]
        self.held_e[ua] = e[acc]
        self.n_held[gp] = F
        self.used[gp] = F
        worst = np.full(G, _NO_KEY, _I64)
        nz = F > 0
        worst[nz] = self.slot_k[base[nz] + F[nz] - 1]
        self.worst[gp] = worst
        return [u[~acc], disp_u]

    def _merge(self, mp, nu, ne, npost, nkey) -> list[np.ndarray]:
        """Greedy choice at postings mp among their held units and the new proposals."""
        hcount = self.n_held[mp]
        hpos = _ranges(self.ss[mp], hcount)
        hu = self.slot_u[hpos]
        hk = self.slot_k[hpos]
        hp = np.repeat(mp, hcount)
        iu = np.concatenate((hu, nu))
        ie = np.concatenate((self.held_e[hu], ne))
        ip = np.concatenate((hp, npost))
        ik = np.concatenate((hk, nkey))
        was_held = np.zeros(len(iu), bool)
        was_held[: len(hu)] = True
        o = np.lexsort((-ik, ip))
        iu, ie, ip, ik, was_held = iu[o], ie[o], ip[o], ik[o], was_held[o]
        isz = self.usize[iu]
        starts = _seg_starts(ip)
        counts = np.diff(np.append(starts, len(ip)))
        g = np.repeat(np.arange(len(starts)), counts)
        f = self.cap[ip[starts]].copy()
        acc = np.zeros(len(iu), bool)
        idx = np.arange(len(iu))
        while idx.size:
            idx = idx[isz[idx] <= f[g[idx]]]
            if idx.size == 0:
                break
            gi, s = g[idx], isz[idx]
            cs = np.cumsum(s)
            st = _seg_starts(gi)
            base = np.repeat(cs[st] - s[st], np.diff(np.append(st, len(gi))))
            ok = cs - base <= f[gi]
            acc[idx[ok]] = True
            f -= np.bincount(gi[ok], weights=s[ok], minlength=len(f)).astype(_I64)
            idx = idx[~ok]
        # write back accepted units, in preference order
        au, ae, ap, ak = iu[acc], ie[acc], ip[acc], ik[acc]
        n_acc = np.bincount(g[acc], minlength=len(mp))
        astarts = np.concatenate(([0], np.cumsum(n_acc)[:-1]))
        rank = np.arange(len(au)) - np.repeat(astarts, n_acc)
        self.slot_u[self.ss[ap] + rank] = au
        self.slot_k[self.ss[ap] + rank] = ak
        self.held[au] = ap
        self.held_e[au] = ae
        self.n_held[mp] = n_acc
        self.used[mp] = self.cap[mp] - f
        worst = np.full(len(mp), _NO_KEY, _I64)
        nz = n_acc > 0
        worst[nz] = ak[(astarts + n_acc - 1)[nz]]
        self.worst[mp] = worst
        if self.any_cohort:
            hc = np.bincount(g[acc], weights=isz[acc] > 1, minlength=len(mp)).astype(_I64)
            self.has_coh[mp] = hc
        # a displaced cohort frees more seats than the unit that displaced it takes: units this
        # posting rejected before may now fit, so it is checked for blocking pairs
        gone = ~acc & was_held & (isz > 1)
        if gone.any():
            self.flag[ip[gone]] = True
        lost = iu[~acc]
        self.held[lost[was_held[~acc]]] = -1
        self.held_e[lost[was_held[~acc]]] = -1
        return [lost]

    # -- extension -----------------------------------------------------------------------------

    def unmatched_units(self) -> np.ndarray:
        singles = np.flatnonzero(self.alone & (self.held[: self.nw] < 0))
        coh = self.nw + np.flatnonzero(self.held[self.nw :] < 0)
        return np.concatenate((singles, coh))

    def matched_workers(self) -> int:
        return int((self.assignment() >= 0).sum())

    def assignment(self) -> np.ndarray:
        out = self.held[: self.nw].astype(_I32)
        members = np.flatnonzero(~self.alone)
        out[members] = self.held[self.nw + self.cid[members]]
        return out

    def _cohort_member_edges(self, cohorts: np.ndarray) -> Edges:
        sel = np.zeros(self.nc, bool)
        sel[cohorts] = True
        mw = np.flatnonzero((self.cid >= 0) & sel[np.maximum(self.cid, 0)])
        idx = _ranges(self.wstart[mw], self.wstart[mw + 1] - self.wstart[mw])
        parts = [Edges(self.Aw[idx], self.Ap[idx], self.Aws[idx], self.Aps[idx])]
        for x in self.X_members:
            parts.append(x.take(np.flatnonzero(sel[self.cid[x.worker]])))
        return Edges.concat(parts)

    def _extend_cohorts(self, cohorts: np.ndarray, rem: np.ndarray | None) -> np.ndarray:
        """Append the next k not yet considered candidates (with room for the whole cohort when
        rem is given) to the lists of these cohorts; returns the cohorts that got entries."""
        if cohorts.size == 0:
            return cohorts
        me = self._cohort_member_edges(cohorts)
        gc, gp, mean, mins = _cohort_unit_edges(
            me.worker, me.posting, me.worker_score, me.posting_score, self.cid, self.csize, self.np_
        )
        pk = gc * self.np_ + gp
        ok = ~_member(pk, self.coh_pairs)
        if rem is not None:
            ok &= rem[gp] >= self.csize[gc]
        gc, gp, mean, mins, pk = gc[ok], gp[ok], mean[ok], mins[ok], pk[ok]
        starts = _seg_starts(gc)
        counts = np.diff(np.append(starts, len(gc)))
        rank = np.arange(len(gc)) - np.repeat(starts, counts)
        top = rank < self.k
        gc, gp, mean, mins, pk = gc[top], gp[top], mean[top], mins[top], pk[top]
        if gc.size == 0:
            return gc
        self.coder.add(mins)
        units = self.nw + gc
        self.coh_pairs = np.concatenate((self.coh_pairs, pk))
        return self._append_lists(gp, mins, mean, np.full(len(gc), -1), units) - self.nw

    def extend(self, callback: Callable[[np.ndarray, np.ndarray], Edges] | None, fresh: bool = False) -> np.ndarray:
        """One extension step; returns the units whose lists grew. `fresh`: the callback promises
        that none of its edges is already known, so they are not checked against the known ones."""
        units = self.unmatched_units()
        rem = self.cap - self.used
        singles = units[units < self.nw]
        cohorts = units[units >= self.nw] - self.nw
        grown: list[np.ndarray] = []
        recode = False
        if callback is None:
            s = singles[self.scan[singles] < self.wstart[singles + 1]]
            if s.size:
                lens = self.wstart[s + 1] - self.scan[s]
                idx = _ranges(self.scan[s], lens)
                owner = np.repeat(np.arange(len(s)), lens)
                room = rem[self.Ap[idx]] > 0
                cs = np.cumsum(room)
                starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
                before = np.repeat(cs[starts] - room[starts], lens)
                take = room & (cs - before <= self.k)
                # the scan stops after the k-th taken edge, or at the end of the list
                kth = take & (cs - before == self.k)
                stop = self.wstart[s + 1].copy()
                stop[owner[kth]] = idx[kth] + 1
                self.scan[s] = stop
                ti, to = idx[take], owner[take]
                if ti.size:
                    grown.append(self._append_lists(self.Ap[ti], self.Aps[ti], self.Aws[ti], ti, s[to]))
        else:
            sel = np.zeros(self.nc + 1, bool)
            sel[cohorts] = True
            members = np.flatnonzero(sel[self.cid])  # cid -1 reads the spare last slot
            ask = np.sort(np.concatenate((singles, members))).astype(_I32)
            new = callback(ask, rem.copy())
            new = self._new_edges(new, ask, fresh)
            if len(new):
                recode = self.coder.add(new.posting_score)
                base = self.EA + self.n_x  # edge ids of X in sorted numbering
                self.X.append(new)
                self.X_members.append(new.take(np.flatnonzero(self.cid[new.worker] >= 0)))
                self.n_x += len(new)
                alone = np.flatnonzero(self.cid[new.worker] < 0)
                if alone.size:
                    if self._is_sorted(new):
                        o = alone
                    else:
                        o = alone[np.lexsort((new.posting[alone], -new.worker_score[alone], new.worker[alone]))]
                    ww = new.worker[o].astype(_I64)
                    grown.append(
                        self._append_lists(new.posting[o], new.posting_score[o], new.worker_score[o], base + o, ww)
                    )
        if cohorts.size:
            grown.append(self.nw + self._extend_cohorts(cohorts, rem))
        self._layout_slots(force=recode)
        return np.concatenate(grown) if grown else np.zeros(0, _I64)

    def _new_edges(self, new: Edges, ask: np.ndarray, fresh: bool = False) -> Edges:
        """The rows of `new` for asked workers that are not known yet (all of them when `fresh`)."""
        if len(new) == 0:
            return new
        if new.worker.min() < 0 or new.worker.max() >= self.nw or new.posting.min() < 0:
            raise ValueError("extension edge index out of range")
        if new.posting.max() >= self.np_:
            raise ValueError("extension edge index out of range")
        asked = np.zeros(self.nw, bool)
        asked[ask] = True
        mine = asked[new.worker]
        if not mine.all():
            new = new.take(np.flatnonzero(mine))
        if fresh:
            return new
        P = self.np_
        nk = new.worker.astype(_I64) * P + new.posting
        o = np.argsort(nk, kind="stable")
        first = np.concatenate(([True], nk[o][1:] != nk[o][:-1]))
        keep = np.zeros(len(new), bool)
        keep[o[first]] = True
        idx = _ranges(self.wstart[ask], self.wstart[ask + 1] - self.wstart[ask])
        known = [self.Aw[idx].astype(_I64) * P + self.Ap[idx]]
        for x in self.X:
            mine = np.flatnonzero(asked[x.worker])
            known.append(x.worker[mine].astype(_I64) * P + x.posting[mine])
        kk = np.concatenate(known)
        # compare only the keys that share a hash bucket with a key on the other side
        bits = 1 << max(10, min(26, int(max(len(kk), len(nk)) * 2).bit_length()))
        hn = _bucket(nk, bits)
        hk = _bucket(kk, bits)
        seen_n = np.zeros(bits, bool)
        seen_n[hn] = True
        seen_k = np.zeros(bits, bool)
        seen_k[hk] = True
        maybe = np.flatnonzero(seen_k[hn])
        keep[maybe] &= ~_member(nk[maybe], kk[seen_n[hk]])
        return new.take(np.flatnonzero(keep))

    # -- blocking pairs and their reduction ----------------------------------------------------

    def _considered_entries(self, units: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(unit, entry) of the considered single entries in A and of the B entries (A entries
        copied into B by an extension appear once, as B entries) at flagged postings, plus all
        those of `units` (a mask over units) when given."""
        hit_a = self.flag[self.Ap]
        hit_b = self.flag[self.B_post]
        if units is not None:
            hit_a |= units[self.Aw]
            hit_b |= units[self.B_unit]
        ea = np.flatnonzero(hit_a)
        wa = self.Aw[ea]
        ea = ea[self.alone[wa] & (ea < self.first_lim[wa])]
        eb = np.flatnonzero(hit_b)
        return np.concatenate((self.Aw[ea].astype(_I64), self.B_unit[eb].astype(_I64))), np.concatenate(
            (ea.astype(_I64), self.EA + eb)
        )

    def blocking(self, units: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Units and entries of the current blocking pairs at the flagged postings and (when given,
        a mask over units) of the units whose assignment changed since the flags were cleared.

        Blocking pairs can only sit at flagged postings (from which a held cohort was displaced
        or a unit withdrew): elsewhere a unit leaves a posting only when displaced by units the
        posting scores higher, which take at least the seats it frees, so the seats held above
        any key never decrease, and a unit the posting rejected can never block with it later.
        So after a check that clears the flags, a new blocking pair needs a posting flagged since
        or a unit whose assignment changed since (a unit moved down its chain of segments, whose
        order need not be its preference order, can come to prefer a posting it passed)."""
        q_unit, q_e = self._considered_entries(units)
        q_post, q_key = self._entries(q_e, q_unit)
        q_pref = self._pref(q_e)
        all_held = np.flatnonzero(self.held >= 0)
        at = np.zeros(self.np_, bool)
        at[q_post] = True
        held = all_held[at[self.held[all_held]]]  # the units held where the pairs are
        unit_pref = np.full(self.nu, -np.inf, _F64)
        unit_key = np.zeros(self.nu, _I64)
        unit_pref[all_held] = self._pref(self.held_e[all_held])
        unit_key[held] = self._entries(self.held_e[held], held)[1]
        m = _blocking_mask(
            q_unit, q_post.astype(_I64), q_key, q_pref, self.usize, self.held, unit_pref, unit_key, self.cap, held
        )
        return q_unit[m], q_e[m]

    def _rebuild_postings(self, ps: np.ndarray) -> None:
        """Drop from the slots of postings ps the units no longer held there."""
        cnt = self.n_held[ps]
        pos = _ranges(self.ss[ps], cnt)
        units, keys = self.slot_u[pos], self.slot_k[pos]
        owner = np.repeat(np.arange(len(ps)), cnt)
        keep = self.held[units] == ps[owner]
        units, keys, owner = units[keep], keys[keep], owner[keep]
        n_new = np.bincount(owner, minlength=len(ps))
        starts = np.concatenate(([0], np.cumsum(n_new)[:-1]))
        rank = np.arange(len(units)) - np.repeat(starts, n_new)
        self.slot_u[self.ss[ps[owner]] + rank] = units
        self.slot_k[self.ss[ps[owner]] + rank] = keys
        self.n_held[ps] = n_new
        self.used[ps] = np.bincount(owner, weights=self.usize[units], minlength=len(ps)).astype(_I64)
        self.has_coh[ps] = np.bincount(owner, weights=self.usize[units] > 1, minlength=len(ps)).astype(_I64)
        worst = np.full(len(ps), _NO_KEY, _I64)
        np.minimum.at(worst, owner, keys)
        self.worst[ps] = worst

    _STATE = ("held", "held_e", "ptr", "lim", "cur_seg", "used", "n_held", "has_coh", "worst", "slot_u", "slot_k")

    _STATE = ("held", "held_e", "ptr", "lim", "cur_seg", "used", "n_held", "has_coh", "worst", "slot_u", "slot_k")

    def _save(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name).copy() for name in self._STATE}

    def reduce(self, max_passes: int) -> tuple[int, int]:
        """Let every unit in a blocking pair withdraw and re-propose to its best blocking posting,
        all at once, then let deferred acceptance settle; repeat up to max_passes times while
        blocking pairs remain. Returns the passes run and the number of blocking pairs left.

        Moving many units at once can raise the count (each withdrawal frees seats that units
        rejected there before now block with), so the count need not fall monotonically; the
        engine keeps the state with the fewest blocking pairs seen. The first check looks at
        every posting flagged during the run, later ones only at the postings flagged and the
        units moved or left blocking since the check before (see `blocking`)."""
        passes = 0
        bu, be = self.blocking()
        best_count = len(bu)
        best_state: dict[str, np.ndarray] | None = self._save()
        while bu.size and passes < max_passes:
            passes += 1
            before = self.held_e.copy()
            self.flag[:] = False
            pref = self._pref(be)
            post = self._entries(be, bu)[0]
            o = np.lexsort((post, -pref, bu))
            first = _seg_starts(bu[o])
            u, e = bu[o][first], be[o][first]
            was = self.held[u]
            moved = was >= 0
            self.held[u[moved]] = -1
            self.held_e[u[moved]] = -1
            if moved.any():
                q = _sorted_unique(was[moved])
                self.flag[q] = True
                self._rebuild_postings(q)
            # go back to the segment holding e: the unit's list continues from there
            seg = np.where(e < self.EA, u, self.B_seg[np.maximum(e - self.EA, 0)] if len(self.B_seg) else u)
            self.cur_seg[u] = seg
            self.ptr[u] = e
            self.lim[u] = self.seg_end[seg]
            self.run(u)
            watch = before != self.held_e
            watch[bu] = True
            bu, be = self.blocking(watch)
            if len(bu) < best_count:
                best_count = len(bu)
                best_state = self._save() if bu.size and passes < max_passes else None
        if len(bu) > best_count and best_state is not None:
            for name, value in best_state.items():
                setattr(self, name, value)
            return passes, best_count
        return passes, len(bu)

    # -- reasons -------------------------------------------------------------------------------

    def reasons(self) -> tuple[Edges, np.ndarray, np.ndarray]:
        """All edges (given order, then added), considered mask and reason codes."""
        parts = [Edges(self.Aw, self.Ap, self.Aws, self.Aps), *self.X]
        allE = Edges.concat(parts) if self.X else parts[0]
        n = len(allE)
        assign = self.assignment().astype(_I64)
        w = allE.worker
        a = assign[w]
        alone = self.alone[w]
        considered = np.zeros(n, bool)
        lens = np.where(self.alone, self.first_lim - self.wstart[:-1], 0)
        considered[_ranges(self.wstart[:-1], lens)] = True
        src = self.B_src[self.B_src >= 0]
        considered[src] = True
        # each single's score of its own posting
        held = self.held[: self.nw]
        my_ws = np.full(self.nw, -np.inf, _F64)
        hw = np.flatnonzero((held >= 0) & self.alone)
        my_ws[hw] = self._pref(self.held_e[hw])
        ws = allE.worker_score.astype(_F64)
        better_other = (a >= 0) & ((my_ws[w] > ws) | ((my_ws[w] == ws) & (a < allE.posting)))
        out = np.full(n, Reason.POSTING_FULL, np.int8)
        out[~considered] = Reason.NOT_REACHED
        out[better_other] = Reason.WORKER_PREFERRED_OTHER
        # cohort members: judged by their unit's candidates and preference
        mi = np.flatnonzero(~alone)
        if mi.size:
            gc, gp, mean, _ = _cohort_unit_edges(
                w[mi], allE.posting[mi], allE.worker_score[mi], allE.posting_score[mi], self.cid, self.csize, self.np_
            )
            gk = gc * self.np_ + gp
            o = np.argsort(gk)
            gk, mean = gk[o], mean[o]
            mk = self.cid[w[mi]].astype(_I64) * self.np_ + allE.posting[mi]
            pos = np.minimum(np.searchsorted(gk, mk), max(len(gk) - 1, 0))
            is_cand = (gk[pos] == mk) if len(gk) else np.zeros(len(mi), bool)
            unit = self.nw + self.cid[w[mi]]
            he = self.held_e[unit]
            unit_ws = np.full(len(mi), -np.inf, _F64)
            hm = he >= 0
            unit_ws[hm] = self._pref(he[hm])
            m_mean = np.where(is_cand, mean[pos] if len(gk) else 0.0, -np.inf)
            ma = a[mi]
            m_better = (ma >= 0) & ((unit_ws > m_mean) | ((unit_ws == m_mean) & (ma < allE.posting[mi])))
            cons = _member(mk, self.coh_pairs)
            considered[mi] = cons & is_cand
            r = np.full(len(mi), Reason.COHORT_NOT_SEATED, np.int8)
            r[is_cand & ~cons] = Reason.NOT_REACHED
            r[is_cand & m_better] = Reason.WORKER_PREFERRED_OTHER
            out[mi] = r
        out[a == allE.posting] = Reason.MATCHED
        if self.order is not None:
            # back to the given order
            r0 = np.empty(self.EA, np.int8)
            r0[self.order] = out[: self.EA]
            c0 = np.empty(self.EA, bool)
            c0[self.order] = considered[: self.EA]
            out = np.concatenate((r0, out[self.EA :]))
            considered = np.concatenate((c0, considered[self.EA :]))
            allE = (
                Edges.concat([allE.take(np.argsort(self.order)), *self.X])
                if self.X
                else allE.take(np.argsort(self.order))
            )
        return allE, considered, out


def match(
    edges: Edges,
    capacity: np.ndarray,
    *,
    n_workers: int,
    cohort: np.ndarray | None = None,
    k: int = 20,
    extend: Callable[[np.ndarray, np.ndarray], Edges] | None = None,
    max_extensions: int = 10,
    reasons: bool = False,
    max_reduction_passes: int = 8,
    extend_fresh: bool = False,
) -> Result:
    """Worker-proposing deferred acceptance with capacities and cohorts (see the module docstring)."""
    t0 = time.perf_counter()
    eng = _Engine(edges, capacity, n_workers, cohort, k)
    eng.run(np.arange(eng.nu, dtype=_I64))
    matched = [eng.matched_workers()]
    t1 = time.perf_counter()
    n_ext = 0
    while n_ext < max_extensions and eng.unmatched_units().size:
        grown = eng.extend(extend, extend_fresh)
        n_ext += 1
        if grown.size:
            eng.run(grown)
        matched.append(eng.matched_workers())
        if matched[-1] <= matched[-2]:
            break
    passes = 0
    n_block = 0
    if eng.any_cohort:
        passes, n_block = eng.reduce(max_reduction_passes)
    t2 = time.perf_counter()
    res = Result(
        assignment=eng.assignment(),
        rounds=eng.rounds,
        extensions=n_ext,
        proposals=eng.proposals,
        matched_per_pass=matched,
        blocking_pairs=n_block,
        reduction_passes=passes,
        seconds_first_pass=t1 - t0,
        seconds_extensions=t2 - t1,
    )
    if reasons:
        res.edges, res.considered, res.reasons = eng.reasons()
    return res
