"""Brute force on small instances: every feasible assignment, the stable ones, the worker-optimal one.

Units are single workers and cohorts (a cohort needs one seat per member, at a posting every
member has an edge to). A unit's preference of a posting is its worker score (the mean over the
members for a cohort), ties to the lower posting index; a posting's score of a unit is its posting
score (the minimum over the members), ties to the lower (lowest member) worker index.
"""

import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    members: tuple[int, ...]
    # posting -> (unit's preference key, posting's key of the unit); larger is better
    options: dict


def units_of(workers, postings, worker_scores, posting_scores, n_workers, cohort=None):
    edge = {}
    for w, p, ws, ps in zip(workers, postings, worker_scores, posting_scores, strict=True):
        edge[(int(w), int(p))] = (float(ws), float(ps))
    groups = {}
    for w in range(n_workers):
        c = -1 if cohort is None else int(cohort[w])
        groups.setdefault(("alone", w) if c < 0 else ("cohort", c), []).append(w)
    units = []
    for members in groups.values():
        members = tuple(sorted(members))
        common = set.intersection(*({p for (w, p) in edge if w == m} for m in members))
        options = {}
        for p in common:
            ws = [edge[(m, p)][0] for m in members]
            mean = sum(ws) / len(ws) if len(members) > 1 else ws[0]
            low = min(edge[(m, p)][1] for m in members)
            options[p] = ((mean, -p), (low, -members[0]))
        units.append(Unit(members, options))
    return units


def feasible_assignments(units, capacity):
    choices = [[-1, *sorted(u.options)] for u in units]
    for combo in itertools.product(*choices):
        seats = [0] * len(capacity)
        for u, p in zip(units, combo, strict=True):
            if p >= 0:
                seats[p] += len(u.members)
        if all(s <= c for s, c in zip(seats, capacity, strict=True)):
            yield combo


def blocking_count(units, capacity, combo):
    """Blocking pairs: u prefers p (or is unmatched) and p could seat u with its free seats plus
    the seats of units it scores strictly below u."""
    count = 0
    for i, u in enumerate(units):
        for p, (pref, key) in u.options.items():
            cur = combo[i]
            if cur == p:
                continue
            if cur >= 0 and u.options[cur][0] >= pref:
                continue
            free = capacity[p] - sum(len(v.members) for v, q in zip(units, combo, strict=True) if q == p)
            below = sum(len(v.members) for v, q in zip(units, combo, strict=True) if q == p and v.options[p][1] < key)
            if free + below >= len(u.members):
                count += 1
    return count


def to_worker_assignment(units, combo, n_workers):
    out = [-1] * n_workers
    for u, p in zip(units, combo, strict=True):
        for m in u.members:
            out[m] = p
    return out


def stable_assignments(units, capacity):
    return [c for c in feasible_assignments(units, capacity) if blocking_count(units, capacity, c) == 0]


def worker_optimal(units, stable):
    """The stable assignment every unit weakly prefers to every other stable one (None if none)."""

    def rank(u, p):
        return (1, u.options[p][0]) if p >= 0 else (0, ())

    for c in stable:
        if all(rank(u, c[i]) >= rank(u, d[i]) for d in stable for i, u in enumerate(units)):
            return c
    return None
