"""The matching engine: deferred acceptance with capacities, top-k lists, extension and cohorts."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import Edges, Reason, blocking_pairs, match
from tests.matching import oracle
from tests.matching.reference_da import reference_da

# -- small random instances --------------------------------------------------------------------


@st.composite
def instances(draw, cohorts=False, ties=True):
    n_w = draw(st.integers(1, 7))
    n_p = draw(st.integers(1, 4))
    pairs = [(w, p) for w in range(n_w) for p in range(n_p)]
    present = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    pairs = [pr for pr, keep in zip(pairs, present, strict=True) if keep]
    n = len(pairs)
    if ties:
        ws = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        ps = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    else:
        ws = draw(st.permutations(range(n)))
        ps = draw(st.permutations(range(n)))
    cap = draw(st.lists(st.integers(0, 3), min_size=n_p, max_size=n_p))
    cohort = None
    if cohorts:
        cohort = draw(st.lists(st.integers(-1, 2), min_size=n_w, max_size=n_w))
    edges = Edges(
        np.array([w for w, _ in pairs], np.int32),
        np.array([p for _, p in pairs], np.int32),
        np.array(ws, np.float64),
        np.array(ps, np.float64),
    )
    return edges, np.array(cap), n_w, (None if cohort is None else np.array(cohort))


def oracle_units(edges, n_w, cohort):
    return oracle.units_of(edges.worker, edges.posting, edges.worker_score, edges.posting_score, n_w, cohort)


def unit_combo(units, assignment):
    return tuple(int(assignment[u.members[0]]) for u in units)


def seats_used(assignment, n_postings):
    a = np.asarray(assignment)
    return np.bincount(a[a >= 0], minlength=n_postings)


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(instances(cohorts=True))
def test_no_posting_gets_more_workers_than_seats_and_cohorts_stay_together(inst):
    edges, cap, n_w, cohort = inst
    res = match(edges, cap, n_workers=n_w, cohort=cohort, k=4)
    assert (seats_used(res.assignment, len(cap)) <= cap).all()
    for c in set(cohort.tolist()) - {-1}:
        placed = set(res.assignment[cohort == c].tolist())
        assert len(placed) == 1


@FAST
@given(instances(cohorts=False, ties=True))
def test_without_cohorts_the_result_is_the_worker_optimal_stable_assignment(inst):
    edges, cap, n_w, _ = inst
    res = match(edges, cap, n_workers=n_w, k=4)
    units = oracle_units(edges, n_w, None)
    stable = oracle.stable_assignments(units, list(cap))
    best = oracle.worker_optimal(units, stable)
    assert best is not None
    assert res.assignment.tolist() == oracle.to_worker_assignment(units, best, n_w)
    assert blocking_pairs(edges, cap, res.assignment) == 0
    assert res.blocking_pairs == 0


@FAST
@given(instances(cohorts=True, ties=True))
def test_with_cohorts_the_blocking_count_agrees_with_brute_force(inst):
    edges, cap, n_w, cohort = inst
    res = match(edges, cap, n_workers=n_w, cohort=cohort, k=4)
    units = oracle_units(edges, n_w, cohort)
    combo = unit_combo(units, res.assignment)
    expected = oracle.blocking_count(units, list(cap), combo)
    assert blocking_pairs(edges, cap, res.assignment, cohort) == expected
    assert res.blocking_pairs == expected
    if res.blocking_pairs == 0:
        assert combo in oracle.stable_assignments(units, list(cap))


@FAST
@given(instances(cohorts=False, ties=True), st.integers(1, 2), st.integers(0, 3))
def test_extending_short_lists_equals_deferred_acceptance_from_scratch_on_the_extended_lists(inst, k, max_ext):
    edges, cap, n_w, _ = inst
    res = match(edges, cap, n_workers=n_w, k=k, max_extensions=max_ext, reasons=True)
    considered = res.considered_edges()
    assert blocking_pairs(considered, cap, res.assignment) == 0
    scratch = reference_da(
        considered.worker, considered.posting, considered.worker_score, considered.posting_score, cap, n_w
    )
    assert res.assignment.tolist() == scratch


# -- against the reference implementation ------------------------------------------------------


def random_instance(rng, n_w, n_p, per_worker, ties=False):
    w = np.repeat(np.arange(n_w), per_worker)
    p = rng.integers(0, n_p, len(w))
    key = np.unique(w.astype(np.int64) * n_p + p)
    w, p = (key // n_p).astype(np.int32), (key % n_p).astype(np.int32)
    if ties:
        ws = rng.integers(0, 5, len(w)).astype(np.float64)
        ps = rng.integers(0, 5, len(w)).astype(np.float64)
    else:
        ws = rng.permutation(len(w)).astype(np.float64)
        ps = rng.permutation(len(w)).astype(np.float64)
    return w, p, ws, ps


@pytest.mark.parametrize("seed", [1, 2])
def test_ten_thousand_workers_get_the_same_assignment_as_the_reference(seed):
    rng = np.random.default_rng(seed)
    n_w, n_p = 10_000, 800
    w, p, ws, ps = random_instance(rng, n_w, n_p, 8)
    cap = rng.integers(0, 16, n_p)
    perm = rng.permutation(len(w))
    res = match(Edges(w[perm], p[perm], ws[perm], ps[perm]), cap, n_workers=n_w, k=8, max_extensions=0)
    expected = reference_da(w, p, ws, ps, cap, n_w, k=8)
    assert res.assignment.tolist() == expected
    assert 0 < (res.assignment >= 0).sum() < n_w


def test_edges_given_sorted_or_shuffled_give_the_same_assignment():
    rng = np.random.default_rng(5)
    w, p, ws, ps = random_instance(rng, 2000, 150, 6, ties=True)
    cap = rng.integers(0, 12, 150)
    o = np.lexsort((p, -ws, w))
    sorted_res = match(Edges(w[o], p[o], ws[o], ps[o]), cap, n_workers=2000, k=6)
    perm = rng.permutation(len(w))
    shuffled = match(Edges(w[perm], p[perm], ws[perm], ps[perm]), cap, n_workers=2000, k=6)
    assert sorted_res.assignment.tolist() == shuffled.assignment.tolist()
    assert sorted_res.assignment.tolist() == reference_da(w, p, ws, ps, cap, 2000, k=6)


def test_float32_and_float64_scores_give_the_same_assignment():
    rng = np.random.default_rng(6)
    w, p, ws, ps = random_instance(rng, 1000, 80, 6)
    ps = ps / 7.0  # not exactly representable in float32: the rank coding path
    cap = rng.integers(0, 12, 80)
    res64 = match(Edges(w, p, ws, ps), cap, n_workers=1000, k=6)
    assert res64.assignment.tolist() == reference_da(w, p, ws, ps, cap, 1000, k=6)


# -- hand-built cases --------------------------------------------------------------------------


def edges_of(rows):
    w, p, ws, ps = zip(*rows, strict=True)
    return Edges(np.array(w), np.array(p), np.array(ws, float), np.array(ps, float))


def test_a_full_posting_keeps_the_workers_it_scores_highest():
    # three workers want posting 0 (one seat) first; it scores worker 1 highest
    e = edges_of([(0, 0, 9, 1), (1, 0, 9, 5), (2, 0, 9, 3), (0, 1, 1, 1), (2, 1, 1, 2)])
    res = match(e, np.array([1, 1]), n_workers=3)
    assert res.assignment.tolist() == [-1, 0, 1]


def test_ties_go_to_the_lower_posting_for_a_worker_and_the_lower_worker_for_a_posting():
    e = edges_of([(0, 1, 5, 2), (0, 0, 5, 2), (1, 0, 5, 2), (1, 1, 4, 2)])
    res = match(e, np.array([1, 1]), n_workers=2)
    # worker 0 prefers posting 0 (tie, lower index); posting 0 prefers worker 0 (tie, lower index)
    assert res.assignment.tolist() == [0, 1]


def test_extension_seats_a_worker_the_top_k_pass_left_unmatched():
    # k = 1: both workers want posting 0 first; worker 1 loses and has nothing else in its first list
    e = edges_of([(0, 0, 9, 5), (1, 0, 9, 1), (1, 2, 5, 1), (1, 1, 4, 1)])
    cap = np.array([1, 1, 0])
    first_only = match(e, cap, n_workers=2, k=1, max_extensions=0)
    assert first_only.assignment.tolist() == [0, -1]
    res = match(e, cap, n_workers=2, k=1)
    # the extension skips posting 2 (no seats left) and takes posting 1
    assert res.assignment.tolist() == [0, 1]
    assert res.matched_per_pass == [1, 2]
    assert res.extensions == 1


def test_the_extension_callback_gets_the_unmatched_workers_and_remaining_seats():
    e = edges_of([(0, 0, 9, 5), (1, 0, 9, 1), (2, 0, 8, 1)])
    calls = []

    def extend(workers, remaining):
        calls.append((workers.tolist(), remaining.tolist()))
        # offer posting 1 to everyone asked, plus a duplicate of a known edge
        rows = [(w, 1, 1.0, float(w)) for w in workers] + [(1, 0, 9.0, 1.0)]
        return edges_of(rows)

    res = match(e, np.array([1, 1]), n_workers=3, k=5, extend=extend)
    assert calls[0] == ([1, 2], [0, 1])
    # posting 1 scores worker 2 higher
    assert res.assignment.tolist() == [0, -1, 1]
    assert res.matched_per_pass == [1, 2, 2]


def test_each_reason_is_given_where_it_applies():
    rows = [
        (0, 0, 9, 9),  # worker 0 gets posting 0: MATCHED
        (0, 1, 5, 9),  # worker 0 ranks posting 0 higher: WORKER_PREFERRED_OTHER
        (1, 0, 9, 1),  # worker 1 lost posting 0 to worker 0: POSTING_FULL
        (1, 3, 1, 1),  # beyond worker 1's top-1 list, extension disabled: NOT_REACHED
        (2, 2, 9, 5),  # cohort {2, 3}: posting 2 has one seat: COHORT_NOT_SEATED
        (3, 2, 9, 5),
    ]
    cohort = np.array([-1, -1, 7, 7])
    res = match(edges_of(rows), np.array([1, 1, 1, 1]), n_workers=4, cohort=cohort, k=1, max_extensions=0, reasons=True)
    assert res.reasons.tolist() == [
        Reason.MATCHED,
        Reason.WORKER_PREFERRED_OTHER,
        Reason.POSTING_FULL,
        Reason.NOT_REACHED,
        Reason.COHORT_NOT_SEATED,
        Reason.COHORT_NOT_SEATED,
    ]
    assert res.considered.tolist() == [True, False, True, False, True, True]


def test_a_cohort_is_placed_whole_where_it_fits_and_judged_by_its_weakest_member():
    # cohort {0, 1} and single 2 compete for posting 0 (two seats); the posting scores the cohort
    # by member 1's low score, so the single ranks above it and the cohort no longer fits
    rows = [(0, 0, 9, 9), (1, 0, 9, 1), (2, 0, 9, 5), (0, 1, 5, 1), (1, 1, 5, 1)]
    cohort = np.array([4, 4, -1])
    res = match(edges_of(rows), np.array([2, 2]), n_workers=3, cohort=cohort)
    assert res.assignment.tolist() == [1, 1, 0]
    assert res.blocking_pairs == 0


def test_a_posting_takes_a_smaller_unit_below_a_cohort_that_does_not_fit():
    # posting 0 has two seats: single 0 first, then cohort {1, 2} (needs two), then single 3
    rows = [(0, 0, 9, 9), (1, 0, 9, 8), (2, 0, 9, 8), (3, 0, 9, 1)]
    cohort = np.array([-1, 5, 5, -1])
    res = match(edges_of(rows), np.array([2]), n_workers=4, cohort=cohort)
    assert res.assignment.tolist() == [0, -1, -1, 0]
    assert res.blocking_pairs == 0


def test_a_seat_freed_by_a_displaced_cohort_goes_to_a_worker_rejected_earlier():
    # posting 0 (2 seats) first holds cohort {0, 1} and rejects single 2; single 3, scored above
    # the cohort, then displaces it and leaves a seat free that single 2 could take
    rows = [
        (0, 0, 9, 5),
        (1, 0, 9, 5),
        (2, 0, 9, 4),
        (2, 1, 1, 1),
        (3, 1, 9, 1),
        (3, 0, 5, 9),
        (4, 1, 9, 9),
    ]
    cohort = np.array([8, 8, -1, -1, -1])
    res = match(edges_of(rows), np.array([2, 1]), n_workers=5, cohort=cohort)
    assert res.assignment[2] == 0
    assert res.blocking_pairs == 0
    assert blocking_pairs(edges_of(rows), np.array([2, 1]), res.assignment, cohort) == 0


def test_the_stability_check_refuses_a_cohort_split_across_postings():
    rows = [(0, 0, 9, 9), (1, 0, 9, 9), (0, 1, 5, 5), (1, 1, 5, 5)]
    with pytest.raises(ValueError, match="split"):
        blocking_pairs(edges_of(rows), np.array([2, 2]), np.array([0, 1]), np.array([3, 3]))


@FAST
@given(instances(cohorts=True, ties=True), st.integers(1, 2), st.integers(1, 3))
def test_extend_fresh_skips_only_the_check_for_known_edges(inst, k, max_ext):
    # a callback that excludes every pair it or the given edges listed gives the same result
    # with extend_fresh=True (no check against the known edges) as without
    edges, cap, n_w, cohort = inst
    keep = np.arange(len(edges)) % 2 == 0
    first, rest = edges.take(np.flatnonzero(keep)), edges.take(np.flatnonzero(~keep))

    def make_callback():
        listed = {(int(w), int(p)) for w, p in zip(first.worker, first.posting, strict=True)}

        def extend(workers, remaining):
            asked = set(workers.tolist())
            rows = [
                i
                for i, (w, p) in enumerate(zip(rest.worker.tolist(), rest.posting.tolist(), strict=True))
                if w in asked and remaining[p] > 0 and (w, p) not in listed
            ]
            out = rest.take(np.array(rows, np.int64))
            listed.update(zip(out.worker.tolist(), out.posting.tolist(), strict=True))
            return out

        return extend

    kw = {"n_workers": n_w, "cohort": cohort, "k": k, "max_extensions": max_ext, "reasons": True}
    checked = match(first, cap, extend=make_callback(), **kw)
    fresh = match(first, cap, extend=make_callback(), extend_fresh=True, **kw)
    assert fresh.assignment.tolist() == checked.assignment.tolist()
    assert fresh.matched_per_pass == checked.matched_per_pass
    assert fresh.blocking_pairs == checked.blocking_pairs
    assert fresh.considered.tolist() == checked.considered.tolist()
    if cohort is None or (cohort < 0).all():
        considered = fresh.considered_edges()
        assert blocking_pairs(considered, cap, fresh.assignment) == 0
