"""Candidate generation: feasibility rules, explainable scores, exact top-k lists."""

import dataclasses
import math

import numpy as np
import pytest

from matching.candidates import (
    INT32_MAX,
    INT32_MIN,
    PRIORITY_POINTS,
    Candidates,
    PostingArrays,
    Rule,
    WorkerArrays,
    generate,
    infeasibility,
    score_pairs,
)
from matching.synthetic import synthetic

# --- a hand-made world -------------------------------------------------------

WORKER = {
    "home_county": 530602,
    "home_lat": 25.0,
    "home_lng": 102.0,
    "destinations_mode": 1,
    "destination_provinces": [44, 53],
    "min_wage": 4000,
    "available_from": 100,
    "available_to": 200,
    "adult_from": 50,
    "priority": True,
    "registered_rank": 3,
    "cohort": 7,
    "cohort_size": 2,
    "skills": [(101, 7), (202, 12)],
    "certs": [(202, 2), (202, 0), (303, 4)],
    "trainee": [],
}

POSTING = {
    "occupation": 202,
    "county": 530621,
    "lat": 26.0,
    "lng": 102.0,
    "net_monthly": 5000,
    "expected_monthly": 5600,
    "legal_minimum": 1990,
    "start_day": 150,
    "contract_months": 6,
    "seats": 3,
    "housing": True,
    "transport": 1,
    "transport_subsidy": 20,
    "standing": 1,
    "trainees_accepted": False,
    "years_required": 0,
    "local_only": False,
}

OTHER_WORKER = {**WORKER, "registered_rank": 0, "cohort": -1, "cohort_size": 1, "priority": False}


def make_workers(rows: list[dict]) -> WorkerArrays:
    n = len(rows)
    dest = np.full((n, 5), -1, np.int16)
    for i, r in enumerate(rows):
        dest[i, : len(r["destination_provinces"])] = r["destination_provinces"]

    def csr(field):
        ptr = np.concatenate(([0], np.cumsum([len(r[field]) for r in rows]))).astype(np.int64)
        entries = [e for r in rows for e in r[field]]
        return ptr, entries

    skill_ptr, skills = csr("skills")
    cert_ptr, certs = csr("certs")
    trainee_ptr, trainee = csr("trainee")
    county = np.array([r["home_county"] for r in rows], np.int32)

    def col(name, dtype):
        return np.array([r[name] for r in rows], dtype)

    return WorkerArrays(
        ids=np.arange(1, n + 1, dtype=np.int64),
        home_county=county,
        home_prefecture=(county // 100).astype(np.int32),
        home_province=(county // 10000).astype(np.int16),
        home_lat=col("home_lat", np.float32),
        home_lng=col("home_lng", np.float32),
        destinations_mode=col("destinations_mode", np.int8),
        destination_provinces=dest,
        min_wage=col("min_wage", np.int32),
        available_from=col("available_from", np.int32),
        available_to=col("available_to", np.int32),
        adult_from=col("adult_from", np.int32),
        priority=col("priority", bool),
        registered_rank=col("registered_rank", np.int32),
        cohort=col("cohort", np.int32),
        cohort_size=col("cohort_size", np.int16),
        skill_ptr=skill_ptr,
        skill_occupation=np.array([o for o, _ in skills], np.int32),
        skill_years=np.array([y for _, y in skills], np.int16),
        cert_ptr=cert_ptr,
        cert_occupation=np.array([o for o, _ in certs], np.int32),
        cert_level=np.array([lv for _, lv in certs], np.int8),
        trainee_ptr=trainee_ptr,
        trainee_occupation=np.array(trainee, np.int32),
    )


def make_postings(rows: list[dict]) -> PostingArrays:
    county = np.array([r["county"] for r in rows], np.int32)

    def col(name, dtype):
        return np.array([r[name] for r in rows], dtype)

    return PostingArrays(
        ids=np.arange(1, len(rows) + 1, dtype=np.int64),
        occupation=col("occupation", np.int32),
        county=county,
        prefecture=(county // 100).astype(np.int32),
        province=(county // 10000).astype(np.int16),
        lat=col("lat", np.float32),
        lng=col("lng", np.float32),
        net_monthly=col("net_monthly", np.int32),
        expected_monthly=col("expected_monthly", np.int32),
        legal_minimum=col("legal_minimum", np.int32),
        start_day=col("start_day", np.int32),
        contract_months=col("contract_months", np.int16),
        seats=col("seats", np.int32),
        housing=col("housing", bool),
        transport=col("transport", np.int8),
        transport_subsidy=col("transport_subsidy", np.int32),
        standing=col("standing", np.int8),
        trainees_accepted=col("trainees_accepted", bool),
        years_required=col("years_required", np.int16),
        local_only=col("local_only", bool),
    )


def code_of(worker: dict, posting: dict) -> int:
    workers = make_workers([worker, OTHER_WORKER])
    postings = make_postings([posting])
    return int(infeasibility(workers, postings, np.array([0]), np.array([0]))[0])


# --- feasibility ---------------------------------------------------------------


def test_the_reference_pair_passes_every_rule():
    assert code_of(WORKER, POSTING) == 0


@pytest.mark.parametrize(
    ("worker_change", "posting_change", "rule"),
    [
        ({}, {"occupation": 999}, Rule.OCCUPATION),
        ({"destination_provinces": [44, 45]}, {}, Rule.LOCATION),
        ({}, {"net_monthly": 3999}, Rule.WORKER_MINIMUM),
        ({}, {"legal_minimum": 5601}, Rule.LEGAL_MINIMUM),
        ({"available_from": 151}, {}, Rule.AVAILABILITY),
        ({"available_to": 149}, {}, Rule.AVAILABILITY),
        ({"adult_from": 151}, {}, Rule.AGE),
        ({"cohort_size": 4}, {}, Rule.SEATS),
    ],
    ids=[
        "occupation",
        "location",
        "worker-minimum",
        "legal-minimum",
        "available-later",
        "available-until",
        "age",
        "seats",
    ],
)
def test_breaking_one_rule_alone_reports_exactly_that_rule(worker_change, posting_change, rule):
    assert code_of({**WORKER, **worker_change}, {**POSTING, **posting_change}) == rule


def test_the_first_failing_rule_in_order_is_reported():
    assert (
        code_of({**WORKER, "cohort_size": 4, "adult_from": 151}, {**POSTING, "net_monthly": 100}) == Rule.WORKER_MINIMUM
    )


def test_boundaries_are_inclusive_for_pay_window_age_and_seats():
    worker = {**WORKER, "min_wage": 5000, "available_from": 150, "available_to": 150, "adult_from": 150}
    assert code_of(worker, {**POSTING, "legal_minimum": 5600, "seats": 2}) == 0


def test_an_unknown_legal_minimum_never_fails():
    assert code_of(WORKER, {**POSTING, "legal_minimum": 0, "expected_monthly": 1}) == 0


def test_a_trainee_with_a_certificate_qualifies_only_where_trainees_are_accepted():
    assert code_of(WORKER, {**POSTING, "occupation": 303, "trainees_accepted": True}) == 0
    assert code_of(WORKER, {**POSTING, "occupation": 303, "trainees_accepted": False}) == Rule.OCCUPATION


def test_a_worker_in_training_qualifies_where_trainees_are_accepted():
    worker = {**WORKER, "trainee": [404]}
    assert code_of(worker, {**POSTING, "occupation": 404, "trainees_accepted": True}) == 0
    assert code_of(worker, {**POSTING, "occupation": 404, "trainees_accepted": False}) == Rule.OCCUPATION
    assert code_of(WORKER, {**POSTING, "occupation": 404, "trainees_accepted": True}) == Rule.OCCUPATION


@pytest.mark.parametrize(
    ("mode", "county", "expected"),
    [
        (0, 110101, 0),  # anywhere: Beijing is fine
        (1, 440305, 0),  # chosen province 44
        (1, 110101, Rule.LOCATION),  # not chosen
        (2, 530621, 0),  # home prefecture 5306
        (2, 530102, Rule.LOCATION),  # home province, other prefecture
    ],
)
def test_destination_mode_limits_where_a_worker_can_be_sent(mode, county, expected):
    assert code_of({**WORKER, "destinations_mode": mode}, {**POSTING, "county": county}) == expected


@pytest.mark.parametrize(("county", "expected"), [(530621, 0), (530102, Rule.LOCATION), (440305, Rule.LOCATION)])
def test_a_local_only_posting_takes_only_people_from_its_prefecture_even_if_they_go_anywhere(county, expected):
    worker = {**WORKER, "destinations_mode": 0}
    assert code_of(worker, {**POSTING, "county": county, "local_only": True}) == expected


# --- scores --------------------------------------------------------------------


def test_score_components_of_a_hand_computed_pair():
    workers = make_workers([WORKER, OTHER_WORKER, OTHER_WORKER, OTHER_WORKER])
    postings = make_postings([POSTING])
    s = score_pairs(workers, postings, np.array([0]), np.array([0]))
    # One degree of latitude: 6371.0088 km * pi / 180 = 111.195 km; by road 1.3x at 0.35 yuan/km
    # = 50.594 yuan, less the 20 yuan subsidy = 30.594, over 6 months = 5.099 a month.
    wc = {k: float(v[0]) for k, v in s.worker_components.items()}
    assert wc["net_pay"] == 5000
    assert wc["travel"] == pytest.approx(-(6371.0088 * math.pi / 180 * 1.3 * 0.35 - 20) / 6, abs=1e-3)
    assert wc["travel"] == pytest.approx(-5.099, abs=1e-3)
    assert wc["preference"] == 200 + 300  # second choice province, and home prefecture
    assert wc["housing"] == 300
    assert wc["standing"] == -500
    assert float(s.worker_score[0]) == pytest.approx(5000 - 5.099 + 500 + 300 - 500, abs=1e-2)
    pc = {k: float(v[0]) for k, v in s.posting_components.items()}
    assert pc == {"experience": 100, "certificate": 40, "priority": 30, "cohort": 5, "seniority": 0.25}
    assert float(s.posting_score[0]) == pytest.approx(175.25)


def test_point_to_point_transport_costs_the_worker_nothing_and_trainees_get_no_experience_points():
    workers = make_workers([WORKER, OTHER_WORKER])
    posting = {**POSTING, "transport": 2, "occupation": 303, "trainees_accepted": True, "county": 440305}
    s = score_pairs(workers, make_postings([posting]), np.array([0]), np.array([0]))
    assert float(s.worker_components["travel"][0]) == 0
    assert float(s.worker_components["preference"][0]) == 250  # first choice, not home
    assert float(s.posting_components["experience"][0]) == 0
    assert float(s.posting_components["certificate"][0]) == 20  # level 4


def test_the_priority_bonus_equals_three_years_of_experience():
    assert PRIORITY_POINTS == 3 * 10


# --- generation ----------------------------------------------------------------


def brute_force(workers, postings, k, rows=None, open_mask=None, exclude=None):
    """Top-k over every pair, by worker score then lower posting index."""
    rows = np.arange(len(workers)) if rows is None else np.asarray(rows)
    m = len(postings)
    w = np.repeat(rows, m)
    p = np.tile(np.arange(m), len(rows))
    ok = infeasibility(workers, postings, w, p) == 0
    if open_mask is not None:
        ok &= open_mask[p]
    if exclude is not None:
        ok &= ~np.isin((w << 32) | p, (exclude[0].astype(np.int64) << 32) | exclude[1])
    w, p = w[ok], p[ok]
    s = score_pairs(workers, postings, w, p)
    order = np.lexsort((p, -s.worker_score, w))
    w, p, ws, ps = w[order], p[order], s.worker_score[order], s.posting_score[order]
    first = np.r_[True, w[1:] != w[:-1]]
    rank = np.arange(len(w)) - np.maximum.accumulate(np.where(first, np.arange(len(w)), 0))
    keep = rank < k
    return w[keep], p[keep], ws[keep], ps[keep]


def assert_same(c: Candidates, expected):
    w, p, ws, ps = expected
    assert len(c) == len(w)
    np.testing.assert_array_equal(c.worker, w)
    np.testing.assert_array_equal(c.posting, p)
    np.testing.assert_array_equal(c.worker_score, ws)
    np.testing.assert_array_equal(c.posting_score, ps)


@pytest.mark.parametrize(
    ("seed", "n", "m", "k"), [(1, 1500, 150, 20), (2, 800, 40, 7), (3, 400, 300, 1), (4, 600, 90, 35)]
)
def test_generate_equals_a_brute_force_top_k_over_all_pairs(seed, n, m, k):
    workers, postings = synthetic(n, seed=seed, n_postings=m)
    c = generate(workers, postings, k=k)
    assert len(c) > n // 2  # the world is not trivially empty
    assert_same(c, brute_force(workers, postings, k))


def close_to_home_world(seed: int, n: int = 600, m: int = 250):
    """A synthetic world where many postings sit in workers' home prefectures, workers
    choose their home province among others (in every mode), and some are in training."""
    workers, postings = synthetic(n, seed=seed, n_postings=m)
    rng = np.random.default_rng(seed)
    near = rng.random(m) < 0.5
    person = rng.integers(0, n, m)  # a posting near this person's home, in their first skill
    county = np.where(near, workers.home_county[person], postings.county)
    occupation = np.where(near, workers.skill_occupation[workers.skill_ptr[person]], postings.occupation)
    postings = dataclasses.replace(
        postings,
        occupation=occupation.astype(np.int32),
        county=county.astype(np.int32),
        prefecture=(county // 100).astype(np.int32),
        province=(county // 10000).astype(np.int16),
        trainees_accepted=rng.random(m) < 0.5,
        transport=rng.choice(3, size=m).astype(np.int8),
    )
    dest = np.full((n, 5), -1, np.int16)
    dest[:, :3] = rng.choice(np.unique(postings.province), size=(n, 3))
    dest[np.arange(n), rng.integers(0, 5, n)] = workers.home_province  # duplicates included on purpose
    dest[rng.random(n) < 0.2] = -1
    trainee_count = rng.integers(0, 3, n)
    workers = dataclasses.replace(
        workers,
        destinations_mode=rng.choice(3, size=n).astype(np.int8),
        destination_provinces=dest,
        trainee_ptr=np.concatenate(([0], np.cumsum(trainee_count))).astype(np.int64),
        trainee_occupation=rng.integers(1, 30, int(trainee_count.sum())).astype(np.int32),
    )
    return workers, postings


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_generate_is_exact_when_home_prefecture_chosen_provinces_and_training_overlap(seed):
    workers, postings = close_to_home_world(seed)
    codes = infeasibility(workers, postings, np.repeat(np.arange(600), 250), np.tile(np.arange(250), 600))
    assert (codes == 0).sum() > 1000
    c = generate(workers, postings, k=12)
    assert_same(c, brute_force(workers, postings, 12))
    assert (c.posting_score > 0).all()


def test_ties_go_to_the_lower_posting_index():
    postings = make_postings([{**POSTING, "transport": 2}] * 6)
    workers = make_workers([WORKER])
    c = generate(workers, postings, k=4)
    assert c.posting.tolist() == [0, 1, 2, 3]
    assert len(set(c.worker_score.tolist())) == 1


def test_generate_honours_only_workers_open_postings_and_exclude():
    workers, postings = synthetic(700, seed=5, n_postings=400)
    rng = np.random.default_rng(5)
    rows = np.sort(rng.choice(700, size=200, replace=False))
    open_mask = rng.random(400) < 0.6
    first = generate(workers, postings, k=3, only_workers=rows, open_postings=open_mask)
    assert set(first.worker.tolist()) <= set(rows.tolist())
    assert open_mask[first.posting].all()
    assert_same(first, brute_force(workers, postings, 3, rows, open_mask))
    # An extension round: the same workers get their next postings, never the ones already listed.
    exclude = (first.worker, first.posting)
    second = generate(workers, postings, k=3, only_workers=rows, open_postings=open_mask, exclude=exclude)
    listed = set(zip(first.worker.tolist(), first.posting.tolist(), strict=True))
    assert listed.isdisjoint(zip(second.worker.tolist(), second.posting.tolist(), strict=True))
    assert_same(second, brute_force(workers, postings, 3, rows, open_mask, exclude))
    assert len(second) > 100
    as_array = generate(
        workers, postings, k=3, only_workers=rows, open_postings=open_mask, exclude=np.column_stack(exclude)
    )
    np.testing.assert_array_equal(as_array.posting, second.posting)


def test_workers_without_any_feasible_posting_get_an_empty_list():
    workers = make_workers([{**WORKER, "available_to": 10, "available_from": INT32_MIN}, WORKER])
    postings = make_postings([POSTING])
    c = generate(workers, postings, k=5)
    assert c.worker.tolist() == [1]


def test_two_processes_give_the_same_lists_as_one():
    workers, postings = synthetic(20000, seed=7, n_postings=2000)
    one = generate(workers, postings, k=20, processes=1)
    two = generate(workers, postings, k=20, processes=2)
    assert len(one) > 100000
    assert_same(two, (one.worker, one.posting, one.worker_score, one.posting_score))


def test_synthetic_data_has_the_promised_shape():
    workers, postings = synthetic(20000, seed=3)
    assert len(postings) == 2000
    assert 1.0 < postings.seats.sum() / len(workers) < 1.2
    assert postings.seats.min() >= 1 and postings.seats.max() <= 50
    assert np.bincount(workers.destinations_mode, minlength=3)[0] / 20000 == pytest.approx(0.3, abs=0.03)
    assert len(np.unique(workers.home_county)) > 2000
    assert (workers.home_prefecture == workers.home_county // 100).all()
    assert ((workers.available_to == INT32_MAX) | (workers.available_to > workers.available_from)).all()
    assert np.isin(postings.province, [44, 33, 32, 31, 35, 11]).mean() > 0.6
