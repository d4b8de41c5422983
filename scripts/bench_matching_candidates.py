"""Benchmark of candidate generation on synthetic data.

    python scripts/bench_matching_candidates.py [--workers 1000000] [--processes 2] [--k 20]

Builds a synthetic world (`matching.synthetic`), generates the top-k lists
with one process and with `--processes` processes, checks that both agree,
and prints a table: sizes, timings, peak memory, list lengths.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.candidates import generate
from matching.synthetic import synthetic


def peak_rss_mb(who: int) -> float:
    """High-water resident set size in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--postings", type=int, default=None, help="default: workers / 10")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t = time.perf_counter()
    workers, postings = synthetic(args.workers, seed=args.seed, n_postings=args.postings)
    build = time.perf_counter() - t

    t = time.perf_counter()
    one = generate(workers, postings, k=args.k, processes=1)
    gen_one = time.perf_counter() - t

    t = time.perf_counter()
    many = generate(workers, postings, k=args.k, processes=args.processes)
    gen_many = time.perf_counter() - t
    same = all(
        np.array_equal(getattr(one, f), getattr(many, f))
        for f in ("worker", "posting", "worker_score", "posting_score")
    )

    lengths = np.bincount(one.worker, minlength=len(workers))
    rows = [
        ("workers", f"{len(workers):,}"),
        ("postings", f"{len(postings):,}"),
        ("seats / workers", f"{postings.seats.sum() / max(len(workers), 1):.2f}"),
        ("k", f"{args.k}"),
        ("candidate edges", f"{len(one):,}"),
        ("synthetic build (s)", f"{build:.2f}"),
        ("generation, 1 process (s)", f"{gen_one:.2f}"),
        (f"generation, {args.processes} processes (s)", f"{gen_many:.2f}"),
        ("results identical", "yes" if same else "NO"),
        ("peak RSS, main process (MB)", f"{peak_rss_mb(resource.RUSAGE_SELF):,.0f}"),
        ("peak RSS, largest child (MB)", f"{peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f}"),
        ("mean list length", f"{lengths.mean():.2f}"),
        ("workers with an empty list", f"{(lengths == 0).mean():.2%}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>12}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
