"""Benchmark of the matching engine (matching/engine.py) on synthetic instances of realistic shape.

    python scripts/bench_matching_engine.py [--sizes 10000,100000,1000000] [--seed 7] [--k 20]

Each size runs in a fresh subprocess that generates its instance with numpy from the seed:
2,800 home counties grouped into 31 provinces, 300 occupations with Zipf-like popularity, each
worker with 1-3 skills and 1-3 destination provinces (some "anywhere"), postings with an
occupation, a province, a headcount of 1-50 (total positions about 1.1 x workers) and a net pay
of 3,000-9,000 yuan. A worker's score of a posting is its net pay (thousands of yuan) plus a
destination preference plus noise per (worker, occupation/province cell); a posting's score of a
worker is the worker's years of experience plus a priority bonus plus noise. A worker's feasible
postings are the postings of its occupations in its destinations; the engine gets each worker's
top-k feasible postings by worker score. About 3% of workers travel in cohorts of 2-6 (members
share the leader's home, skills and destinations). Unmatched workers get new candidates through
the extension callback, drawn from postings that still have seats, as the application does: the
next k such postings per call, without the pairs listed before (so `match(..., extend_fresh=True)`).

Memory: the engine's peak is the process's resident-set high-water mark during the run minus the
resident set just before it (the high-water mark is reset through /proc/self/clear_refs after the
input is built), so it includes the extension callback's temporaries.

Bound (sizes <= 100,000): the maximum number of workers that could be placed at all, a maximum
flow over ALL feasible pairs, not just the top-k (postings of one occupation and province are
interchangeable, so the flow runs worker -> cell -> sink with the cell's total headcount;
cohorts count as single workers for the bound).

At 100,000 workers the reference implementation (tests/matching/reference_da.py) also runs on
the singles-only instance without extension; its assignment must equal the engine's.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.engine import Edges, match  # noqa: E402

N_PROVINCES = 31
N_COUNTIES = 2800
N_OCCUPATIONS = 300
NOISE = 1.5  # thousand yuan
N_TASTES = 64
THREADS = 2


def _ranges(starts, lengths):
    lengths = np.asarray(lengths, np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    keep = lengths > 0
    s, n = np.asarray(starts, np.int64)[keep], lengths[keep]
    step = np.ones(total, np.int64)
    ends = np.cumsum(n)
    step[0] = s[0]
    step[ends[:-1]] = s[1:] - (s[:-1] + n[:-1] - 1)
    return np.cumsum(step)


class Instance:
    """A synthetic market; builds top-k candidate edges vectorised."""

    def __init__(self, n_workers: int, seed: int, cohort_share: float = 0.03):
        rng = np.random.default_rng(seed)
        self.n = n = n_workers
        county_province = np.sort(rng.integers(0, N_PROVINCES, N_COUNTIES))
        province_weight = rng.dirichlet(np.full(N_PROVINCES, 0.8))
        occ_w = 1.0 / np.arange(1, N_OCCUPATIONS + 1) ** 1.0
        occ_w /= occ_w.sum()
        occ_post_w = 1.0 / np.arange(1, N_OCCUPATIONS + 1) ** 0.9
        occ_post_w /= occ_post_w.sum()

        # workers
        home = rng.integers(0, N_COUNTIES, n)
        home_prov = county_province[home]
        n_skill = rng.integers(1, 4, n)
        skills = rng.choice(N_OCCUPATIONS, size=(n, 3), p=occ_w)
        n_dest = rng.integers(1, 4, n)
        dest = rng.choice(N_PROVINCES, size=(n, 3), p=province_weight)
        stay = rng.random(n) < 0.4
        dest[stay, 0] = home_prov[stay]
        anywhere = rng.random(n) < 0.05
        # cohorts: a share of workers travel together and copy their leader's profile
        cohort = np.full(n, -1, np.int32)
        order = rng.permutation(n)
        pos, cid = 0, 0
        target = int(cohort_share * n)
        sizes = []
        while pos < target:
            s = int(rng.integers(2, 7))
            members = order[pos : pos + s]
            if len(members) < 2:
                break
            cohort[members] = cid
            sizes.append((members[0], members))
            pos += s
            cid += 1
        for leader, members in sizes:
            home_prov[members] = home_prov[leader]
            n_skill[members] = n_skill[leader]
            skills[members] = skills[leader]
            n_dest[members] = n_dest[leader]
            dest[members] = dest[leader]
            anywhere[members] = anywhere[leader]
        # taste profiles (dormitory, shifts, district...): a worker's taste adds noise per posting
        self.taste = rng.integers(0, N_TASTES, n)
        for leader, members in sizes:
            self.taste[members] = self.taste[leader]
        self.cohort = cohort
        self.experience = np.clip(rng.gamma(2.0, 3.0, n), 0, 30).astype(np.float32)
        self.priority = np.where(rng.random(n) < 0.1, 2.0, 0.0).astype(np.float32)

        # postings
        n_p = max(1, n // 10)
        self.n_postings = n_p
        p_occ = rng.choice(N_OCCUPATIONS, n_p, p=occ_post_w)
        p_prov = rng.choice(N_PROVINCES, n_p, p=province_weight)
        raw = rng.pareto(1.1, n_p) + 1.0
        lo, hi = 0.01, 100.0
        for _ in range(40):  # scale so that the total headcount is about 1.1 x workers
            mid = (lo + hi) / 2
            if np.clip(np.round(raw * mid), 1, 50).sum() < 1.1 * n:
                lo = mid
            else:
                hi = mid
        self.capacity = np.clip(np.round(raw * hi), 1, 50).astype(np.int64)
        occ_base = rng.uniform(4000, 7500, N_OCCUPATIONS)
        prov_shift = rng.uniform(-800, 800, N_PROVINCES)
        pay = occ_base[p_occ] + prov_shift[p_prov] + rng.uniform(-900, 900, n_p)
        self.pay = pay.clip(3000, 9000).astype(np.float32)

        # cells: one occupation in one province
        cell = p_occ.astype(np.int64) * N_PROVINCES + p_prov
        self.n_cells = N_OCCUPATIONS * N_PROVINCES
        self.cell_size = np.bincount(cell, minlength=self.n_cells)
        self.cell_of_posting = cell

        # (worker, cell, preference) for every feasible cell of every worker
        rows_w, rows_c, rows_b = [], [], []
        regular = np.flatnonzero(~anywhere)
        for j in range(3):
            for d in range(3):
                sel = regular[(j < n_skill[regular]) & (d < n_dest[regular])]
                c = skills[sel, j].astype(np.int64) * N_PROVINCES + dest[sel, d]
                bonus = np.float32(0.6 - 0.3 * d) + np.where(dest[sel, d] == home_prov[sel], 0.4, 0.0)
                rows_w.append(sel)
                rows_c.append(c)
                rows_b.append(bonus)
        anyw = np.flatnonzero(anywhere)
        for j in range(3):
            sel = anyw[j < n_skill[anyw]]
            for prov in range(N_PROVINCES):
                rows_w.append(sel)
                rows_c.append(skills[sel, j].astype(np.int64) * N_PROVINCES + prov)
                rows_b.append(np.where(home_prov[sel] == prov, 0.4, 0.0))
        w = np.concatenate(rows_w)
        c = np.concatenate(rows_c)
        b = np.concatenate(rows_b).astype(np.float32)
        # drop repeated (worker, cell) pairs (repeated skills or destinations)
        key = w.astype(np.int64) * self.n_cells + c
        _, first = np.unique(key, return_index=True)
        self.wc_worker = w[first].astype(np.int32)
        self.wc_cell = c[first]
        self.wc_bonus = b[first] + rng.normal(0, 0.3, len(first)).astype(np.float32)
        self.wc_start = np.searchsorted(self.wc_worker, np.arange(n + 1))
        # for each (taste, cell): postings in the order of pay + taste noise, best first
        t = np.repeat(np.arange(N_TASTES), n_p)
        pp = np.tile(np.arange(n_p), N_TASTES)
        value = self.pay[pp] / np.float32(1000.0) + self._taste_noise(t, pp)
        group = t * self.n_cells + cell[pp]
        o = np.lexsort((pp, -value, group))
        self.tc_post = pp[o].astype(np.int32)
        self.tc_group = group[o]
        self.tc_value = value[o]

    def _posting_score(self, w, p):
        # experience + priority + noise, the noise a deterministic hash of the pair
        h = (w.astype(np.uint64) * np.uint64(2654435761) + p.astype(np.uint64) * np.uint64(40503)) % np.uint64(1000)
        return self.experience[w] + self.priority[w] + h.astype(np.float32) / np.float32(500.0)

    @staticmethod
    def _taste_noise(t, p):
        """Deterministic noise in [0, NOISE) thousand yuan per (taste, posting)."""
        h = (t.astype(np.uint64) * np.uint64(0x9E3779B1) ^ p.astype(np.uint64) * np.uint64(0x85EBCA77)) % np.uint64(
            1 << 20
        )
        return h.astype(np.float32) * np.float32(NOISE / (1 << 20))

    def candidates(self, workers, k, remaining=None) -> Edges:
        """Exact top-k feasible postings of these workers by worker score (only postings with
        seats left when `remaining` is given), edges grouped by worker in preference order.

        The score is pay + taste noise (both fixed by the worker's taste and the posting) plus a
        preference per (worker, cell), so a worker's best postings within a cell are the first
        ones of its (taste, cell) list, and its top k are among the first k of each of its cells."""
        post, group, value = self.tc_post, self.tc_group, self.tc_value
        if remaining is not None:
            ok = remaining[post] > 0
            post, group, value = post[ok], group[ok], value[ok]
        n_groups = N_TASTES * self.n_cells
        size = np.bincount(group, minlength=n_groups)
        gstart = np.concatenate(([0], np.cumsum(size)))
        workers = np.asarray(workers, np.int64)
        if self.n_postings >= 1 << 17:
            raise ValueError("the packed sort key holds posting indices below 2**17")

        def one_chunk(ws_):
            n_wc = self.wc_start[ws_ + 1] - self.wc_start[ws_]
            wc = _ranges(self.wc_start[ws_], n_wc)
            g = np.repeat(self.taste[ws_].astype(np.int64) * self.n_cells, n_wc) + self.wc_cell[wc]
            take = np.minimum(size[g], k)
            idx = _ranges(gstart[g], take)
            # worker in chunk and score of each row: postings of a cell share the (worker, cell) bonus
            local = np.repeat(np.repeat(np.arange(len(ws_), dtype=np.uint64) << np.uint64(32), n_wc), take)
            score = value[idx] + np.repeat(self.wc_bonus[wc], take)
            # one sort on (worker in chunk, score desc, posting asc) packed in 64 bits (scores > 0);
            # the packed key holds the whole row, so a plain sort (no argsort, no gathers) does
            local |= np.uint64(0xFFFFFFFF) - score.view(np.uint32).astype(np.uint64)
            local <<= np.uint64(17)
            local |= post[idx].astype(np.uint64)
            packed = np.sort(local)
            wl = (packed >> np.uint64(49)).astype(np.int64)
            starts = np.flatnonzero(np.concatenate(([True], wl[1:] != wl[:-1])))
            counts = np.diff(np.append(starts, len(wl)))
            keep = np.arange(len(wl)) - np.repeat(starts, counts) < k
            packed, wl = packed[keep], wl[keep]
            p = (packed & np.uint64((1 << 17) - 1)).astype(np.int32)
            bits = np.uint64(0xFFFFFFFF) - ((packed >> np.uint64(17)) & np.uint64(0xFFFFFFFF))
            return ws_[wl].astype(np.int32), p, bits.astype(np.uint32).view(np.float32)

        # chunks on two threads (numpy releases the GIL in its loops), as the application
        # generates candidates in several processes
        chunk = 1 << 14
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            out = list(pool.map(one_chunk, [workers[lo : lo + chunk] for lo in range(0, len(workers), chunk)]))
        w = np.concatenate([x[0] for x in out]) if out else np.zeros(0, np.int32)
        p = np.concatenate([x[1] for x in out]) if out else np.zeros(0, np.int32)
        s = np.concatenate([x[2] for x in out]) if out else np.zeros(0, np.float32)
        return Edges(w, p, s.astype(np.float32), self._posting_score(w, p).astype(np.float32))

    def max_match_bound(self) -> int:
        """Maximum number of placeable workers over all feasible pairs (cohorts as singles)."""
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import maximum_flow

        n, nc = self.n, self.n_cells
        src, sink = 0, 1 + n + nc
        cell_cap = np.bincount(self.cell_of_posting, weights=self.capacity, minlength=nc).astype(np.int64)
        rows = np.concatenate([np.zeros(n, np.int64), 1 + self.wc_worker.astype(np.int64), 1 + n + np.arange(nc)])
        cols = np.concatenate([1 + np.arange(n), 1 + n + self.wc_cell, np.full(nc, sink)])
        caps = np.concatenate([np.ones(n, np.int64), np.ones(len(self.wc_cell), np.int64), cell_cap])
        graph = csr_matrix((caps.astype(np.int32), (rows, cols)), shape=(sink + 1, sink + 1))
        return int(maximum_flow(graph, src, sink).flow_value)


class KnownPairs:
    """The (worker, posting) pairs handed to the engine so far, to keep extension edges fresh.

    Candidates come only from postings with seats left, so only known pairs at such postings can
    repeat: those are few (a worker the engine left unmatched was turned down by the postings of
    its lists, which are full unless a cohort left them), so they are gathered per call."""

    def __init__(self, first: Edges, n_workers: int):
        self.first = first  # grouped by worker
        self.start = np.searchsorted(first.worker, np.arange(n_workers + 1))
        self.added: list[Edges] = []
        self.passes = 0

    def fresh(self, new: Edges, workers: np.ndarray, remaining: np.ndarray) -> Edges:
        self.passes += 1
        n_p = len(remaining)
        open_ = remaining > 0
        idx = _ranges(self.start[workers], self.start[workers + 1] - self.start[workers])
        idx = idx[open_[self.first.posting[idx]]]
        keys = [self.first.worker[idx].astype(np.int64) * n_p + self.first.posting[idx]]
        asked = np.zeros(len(self.start) - 1, bool)
        asked[workers] = True
        for e in self.added:
            m = asked[e.worker] & open_[e.posting]
            keys.append(e.worker[m].astype(np.int64) * n_p + e.posting[m])
        old = np.sort(np.concatenate(keys))
        if old.size:
            at = np.zeros(n_p, bool)
            at[old % n_p] = True
            maybe = np.flatnonzero(at[new.posting])
            nk = new.worker[maybe].astype(np.int64) * n_p + new.posting[maybe]
            pos = np.minimum(np.searchsorted(old, nk), len(old) - 1)
            drop = maybe[old[pos] == nk]
            if drop.size:
                keep = np.ones(len(new), bool)
                keep[drop] = False
                new = new.take(np.flatnonzero(keep))
        self.added.append(new)
        return new


def _rss_kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(field + r":\s+(\d+)", text).group(1))


def run_size(n: int, seed: int, k: int) -> dict:
    out: dict = {"workers": n}
    t = time.perf_counter()
    inst = Instance(n, seed)
    edges = inst.candidates(np.arange(n), k)
    out["generate_s"] = time.perf_counter() - t
    out["postings"] = inst.n_postings
    out["edges"] = len(edges)
    out["positions"] = int(inst.capacity.sum())
    if n <= 100_000:
        t = time.perf_counter()
        out["bound"] = inst.max_match_bound()
        out["bound_s"] = time.perf_counter() - t

    callback_s = [0.0]
    known = KnownPairs(edges, n)

    def extend(workers, remaining):
        # the next k postings with seats left, no pair the engine already knows (so
        # match(..., extend_fresh=True) skips its own check). Growing the length per pass
        # (k * 2**pass, as matching/services/runs.py does) was measured slower here: at 1M
        # workers 63 s and 3.7 GB against 35 s and less, as the long lists hold far more edges
        # and the extensions that follow need about as many passes.
        t0 = time.perf_counter()
        e = known.fresh(inst.candidates(workers, k, remaining), workers, remaining)
        callback_s[0] += time.perf_counter() - t0
        return e

    try:
        Path("/proc/self/clear_refs").write_text("5")
        base = _rss_kb("VmRSS")
    except OSError:
        base = None
    t = time.perf_counter()
    res = match(edges, inst.capacity, n_workers=n, cohort=inst.cohort, k=k, extend=extend, extend_fresh=True)
    out["engine_s"] = time.perf_counter() - t
    out["peak_mb"] = (_rss_kb("VmHWM") - base) / 1024 if base is not None else None
    out["first_s"] = res.seconds_first_pass
    out["ext_s"] = res.seconds_extensions
    out["callback_s"] = callback_s[0]
    out["extensions"] = res.extensions
    out["rounds"] = res.rounds
    out["proposals"] = res.proposals
    out["matched"] = int((res.assignment >= 0).sum())
    out["matched_per_pass"] = res.matched_per_pass
    out["blocking"] = res.blocking_pairs
    out["reduction_passes"] = res.reduction_passes
    cap_used = np.bincount(res.assignment[res.assignment >= 0], minlength=inst.n_postings)
    if (cap_used > inst.capacity).any():
        raise RuntimeError("a posting got more workers than seats")

    if n == 100_000:
        from tests.matching.reference_da import reference_da

        t = time.perf_counter()
        single = match(edges, inst.capacity, n_workers=n, k=k, max_extensions=0)
        out["singles_engine_s"] = time.perf_counter() - t
        t = time.perf_counter()
        ref = reference_da(edges.worker, edges.posting, edges.worker_score, edges.posting_score, inst.capacity, n, k=k)
        out["reference_s"] = time.perf_counter() - t
        if single.assignment.tolist() != ref:
            raise RuntimeError("engine and reference disagree")
        out["reference_equal"] = True
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_size(args.one, args.seed, args.k)))
        return
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed), "--k", str(args.k)],
            capture_output=True,
            text=True,
            check=False,
        )
        line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
        if proc.returncode or not line:
            print(proc.stdout, proc.stderr, file=sys.stderr)
            raise SystemExit(f"size {n} failed")
        r = json.loads(line[0][7:])
        rows.append(r)
        print(
            f"{n:>9,} workers: generated in {r['generate_s']:.1f}s, engine {r['engine_s']:.2f}s "
            f"(first pass {r['first_s']:.2f}s, extensions {r['ext_s']:.2f}s of which callback "
            f"{r['callback_s']:.2f}s), {r['rounds']} rounds, {r['proposals']:,} proposals, "
            f"matched per pass {r['matched_per_pass']}, reduction passes {r['reduction_passes']}",
            flush=True,
        )
        if "reference_s" in r:
            print(
                f"{n:>9,} workers, singles only, no extension: engine {r['singles_engine_s']:.2f}s, "
                f"reference {r['reference_s']:.2f}s (x{r['reference_s'] / r['singles_engine_s']:.0f}), "
                "identical assignment",
                flush=True,
            )
    head = (
        f"{'workers':>10} {'postings':>9} {'edges':>11} {'engine s':>9} {'1st/ext s':>11} {'peak MB':>8} "
        f"{'matched':>9} {'rate':>6} {'bound':>9} {'m/bound':>8} {'blocking':>8}"
    )
    print()
    print(head)
    print("-" * len(head))
    for r in rows:
        bound = r.get("bound")
        peak = f"{r['peak_mb']:.0f}" if r["peak_mb"] is not None else "n/a"
        print(
            f"{r['workers']:>10,} {r['postings']:>9,} {r['edges']:>11,} {r['engine_s']:>9.2f} "
            f"{r['first_s']:>5.2f}/{r['ext_s']:<5.2f} {peak:>8} {r['matched']:>9,} "
            f"{r['matched'] / r['workers']:>6.1%} {(f'{bound:,}' if bound else '-'):>9} "
            f"{(f'{r["matched"] / bound:.1%}' if bound else '-'):>8} {r['blocking']:>8}"
        )


if __name__ == "__main__":
    main()
