"""A plain worker-proposing deferred acceptance with capacities (single workers only).

Written to be obviously correct, not fast: dictionaries, lists and one proposal at a time.
Tie-breaking follows the engine: a worker prefers the higher worker score, then the lower
posting index; a posting prefers the higher posting score, then the lower worker index.
"""

from collections import deque


def reference_da(workers, postings, worker_scores, posting_scores, capacity, n_workers, k=None):
    """Return a list with the posting of each worker, or -1.

    The four sequences describe candidate edges row by row. Only each worker's `k` most
    preferred edges are used when `k` is given.
    """
    lists = {w: [] for w in range(n_workers)}
    posting_rank = {}
    for w, p, ws, ps in zip(workers, postings, worker_scores, posting_scores, strict=True):
        w, p = int(w), int(p)
        lists[w].append((-float(ws), p))
        posting_rank[(p, w)] = (-float(ps), w)  # smaller is better
    for w in lists:
        lists[w].sort()
        if k is not None:
            lists[w] = lists[w][:k]

    held = {p: [] for p in range(len(capacity))}
    next_choice = dict.fromkeys(lists, 0)
    assignment = [-1] * n_workers
    free = deque(w for w in range(n_workers) if lists[w])
    while free:
        w = free.popleft()
        if next_choice[w] >= len(lists[w]):
            continue
        _, p = lists[w][next_choice[w]]
        next_choice[w] += 1
        if capacity[p] <= 0:
            free.append(w)
            continue
        held[p].append(w)
        assignment[w] = p
        if len(held[p]) > capacity[p]:
            worst = max(held[p], key=lambda x: posting_rank[(p, x)])
            held[p].remove(worst)
            assignment[worst] = -1
            free.append(worst)
    return assignment
