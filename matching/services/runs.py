"""Matching runs: load, generate candidates, solve, write offers, each phase timed on the MatchRun row.

- A full run re-optimises everything not yet accepted: offers still waiting for
  an answer are kept when the new assignment agrees and withdrawn when it does
  not. One full run at a time (matching.locks).
- An incremental run matches one worker (with their cohort), or fills one
  posting, against the seats still free, and never touches other offers.

Offers are written in one transaction under the offer-write lock; the seat and
worker constraints (matching.models) hold whatever else commits meanwhile.
"""

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from jobs.models import JobPosting
from matching import candidates, engine
from matching.bulk import rows_insert
from matching.fairness import fairness_rows
from matching.loading import load_postings, load_workers, matchable_workers, open_postings
from matching.locks import full_run_lock, offer_write_lock
from matching.models import MatchRun, Offer, Reservation, Seat
from matching.services.offers import answer_deadline
from workers.models import Worker

logger = logging.getLogger(__name__)
Trigger = MatchRun.Trigger
_FULL = (Trigger.SCHEDULED, Trigger.MANUAL)
_MAX_DOUBLINGS = 5


def _now() -> datetime:
    return timezone.now()


def _today() -> date:
    return timezone.localdate()


@dataclass
class _Timer:
    durations: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.durations[name] = round(self.durations.get(name, 0.0) + time.perf_counter() - start, 4)


def _parameters() -> dict:
    return {
        "k": settings.MATCHING_K,
        "max_extensions": settings.MATCHING_MAX_EXTENSIONS,
        "answer_hours": settings.OFFER_ANSWER_HOURS,
        "priority_points": candidates.PRIORITY_POINTS,
    }


def run_full(*, trigger: str = Trigger.SCHEDULED, started_by_id: int | None = None) -> MatchRun:
    """Re-optimise every offer not yet accepted; a second full run while one is going is recorded as skipped."""
    with full_run_lock() as held:
        if not held:
            return MatchRun.objects.create(
                trigger=trigger, started_by_id=started_by_id, status=MatchRun.Status.SKIPPED, finished_at=_now()
            )
        # Holding the lock, no other full run is alive: one still marked running died with its worker.
        MatchRun.objects.filter(status=MatchRun.Status.RUNNING, trigger__in=_FULL).update(
            status=MatchRun.Status.FAILED, finished_at=_now(), error="The worker running it stopped before it finished."
        )
        run = MatchRun.objects.create(trigger=trigger, started_by_id=started_by_id, parameters=_parameters())
        today = _today()
        return _execute(
            run,
            workers=matchable_workers().exclude(pk__in=Offer.objects.answered().values("worker_id")),
            postings=open_postings(today=today),
            today=today,
            reoptimise=True,
        )


def run_for_worker(*, worker_id: int) -> MatchRun | None:
    """Match one worker, with their cohort, against the seats still free; None when they need no match."""
    worker = matchable_workers().filter(pk=worker_id).first()
    if worker is None or Offer.objects.live().filter(worker_id=worker_id).exists():
        return None
    members = Q(pk=worker_id) | Q(
        cohort_memberships__cohort__members__worker_id=worker_id,
        cohort_memberships__cohort__members__status="confirmed",
        cohort_memberships__status="confirmed",
    )
    workers = _without_live_offer(matchable_workers().filter(members).distinct())
    today = _today()
    postings = open_postings(today=today).filter(_could_suit(worker))
    run = MatchRun.objects.create(trigger=Trigger.WORKER, subject_id=worker_id, parameters=_parameters())
    return _execute(run, workers=workers, postings=postings, today=today, reoptimise=False)


def run_for_graduate(*, worker_id: int, course_id: int) -> list[MatchRun]:
    """Offer a course graduate a position an employer kept for the course, through the matcher's rules."""
    done = []
    today = _today()
    for reservation in Reservation.objects.filter(course_id=course_id).order_by("pk"):
        if Offer.objects.live().filter(worker_id=worker_id).exists():
            break
        if _kept(reservation) <= 0:
            continue
        run = MatchRun.objects.create(trigger=Trigger.GRADUATE, subject_id=worker_id, parameters=_parameters())
        done.append(
            _execute(
                run,
                workers=matchable_workers().filter(pk=worker_id),
                postings=open_postings(today=today).filter(pk=reservation.posting_id),
                today=today,
                reoptimise=False,
                reservation=reservation,
            )
        )
    return done


def _kept(reservation: Reservation) -> int:
    """Positions of the reservation not yet promised to a graduate."""
    return max(reservation.seats - reservation.offers.seated().count(), 0)


def _could_suit(worker: Worker) -> Q:
    """A cheap database filter, looser than the feasibility rules: the worker's trades and places only."""
    trades = Q(occupation__in=worker.skills.values("occupation_id")) | Q(
        trainees_accepted=True, occupation__in=worker.certificates.values("occupation_id")
    )
    home = Q(county__code__startswith=(worker.hukou_county_id or "")[:4])
    if worker.destinations == Worker.Destinations.LOCAL:
        return trades & home
    if worker.destinations == Worker.Destinations.PROVINCES:
        places = home
        for province in worker.destination_choices.values_list("province_id", flat=True):
            places |= Q(county__code__startswith=province[:2])
        return trades & places
    return trades


def run_for_posting(*, posting_id: int) -> MatchRun | None:
    """Offer a posting's free seats to the workers still without an offer; None when it is not open."""
    today = _today()
    posting = open_postings(today=today).filter(pk=posting_id).first()
    if posting is None:
        return None
    # A cheap filter looser than the rules: the trade, or for trainee posts a certificate in it.
    fits = Q(skills__occupation_id=posting.occupation_id)
    if posting.trainees_accepted:
        fits |= Q(certificates__occupation_id=posting.occupation_id)
    workers = _without_live_offer(matchable_workers().filter(fits).distinct())
    run = MatchRun.objects.create(trigger=Trigger.POSTING, subject_id=posting_id, parameters=_parameters())
    return _execute(
        run, workers=workers, postings=JobPosting.objects.filter(pk=posting_id), today=today, reoptimise=False
    )


def _without_live_offer(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    return workers.exclude(pk__in=Offer.objects.live().values("worker_id"))


def _execute(
    run: MatchRun, *, workers, postings, today: date, reoptimise: bool, reservation: Reservation | None = None
) -> MatchRun:
    """Load, generate, solve, check and write one run. With a reservation: its kept positions are the seats."""
    timer = _Timer()
    try:
        with timer.phase("load"):
            worker_arrays, cohort_ids = load_workers(workers)
            posting_arrays = load_postings(postings, today=today, held="committed" if reoptimise else "seated")
            if reservation is not None and len(posting_arrays.ids):
                posting_arrays = replace(posting_arrays, seats=np.array([_kept(reservation)], dtype=np.int32))
            declined = _declined_pairs(worker_arrays.ids, posting_arrays.ids)
        k = settings.MATCHING_K
        with timer.phase("generate"):
            first = candidates.generate(
                worker_arrays,
                posting_arrays,
                k=k,
                open_postings=posting_arrays.seats > 0,
                exclude=declined,
                processes=settings.MATCHING_PROCESSES,
            )
        seen = [first]

        def extend(unmatched: np.ndarray, remaining: np.ndarray) -> engine.Edges:
            # Each pass doubles the list length: workers still unmatched after a long
            # list are in thin markets, and fewer, longer passes regenerate less.
            with timer.phase("extend"):
                listed = _concat(seen)
                more = candidates.generate(
                    worker_arrays,
                    posting_arrays,
                    k=k * 2 ** min(len(seen) - 1, _MAX_DOUBLINGS),
                    only_workers=unmatched,
                    open_postings=remaining > 0,
                    exclude=(
                        np.concatenate([listed.worker, declined[0]]),
                        np.concatenate([listed.posting, declined[1]]),
                    ),
                    processes=settings.MATCHING_PROCESSES,
                )
            seen.append(more)
            return _edges(more)

        with timer.phase("solve"):
            result = engine.match(
                _edges(first),
                posting_arrays.seats,
                n_workers=len(worker_arrays.ids),
                cohort=worker_arrays.cohort,
                k=k,
                extend=extend,
                # The callback excludes every pair already listed, so the engine need not check again.
                extend_fresh=True,
                max_extensions=settings.MATCHING_MAX_EXTENSIONS,
            )
        # The engine called back for longer lists: count that as "extend", not as solving.
        timer.durations["solve"] = round(timer.durations["solve"] - timer.durations.get("extend", 0.0), 4)
        with timer.phase("check"):
            considered = _edges(_concat(seen))
            blocking = engine.blocking_pairs(
                considered, posting_arrays.seats, result.assignment, cohort=worker_arrays.cohort
            )
        with timer.phase("write"):
            made, kept, withdrawn = _write(
                run, worker_arrays, posting_arrays, cohort_ids, result.assignment, reoptimise, reservation
            )
        if reoptimise:
            with timer.phase("fairness"):
                assigned = result.assignment >= 0
                matched_net = np.full(len(worker_arrays.ids), -1, dtype=np.int64)
                matched_net[assigned] = posting_arrays.net_monthly[result.assignment[assigned]]
                run.fairness = fairness_rows(
                    workers=workers, worker_ids=worker_arrays.ids, matched_net=matched_net, today=today
                )
    except Exception as exc:
        logger.exception("matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, finished_at=_now(), durations=timer.durations, error=repr(exc)[:2000]
        )
        raise
    run.status = MatchRun.Status.FINISHED
    run.finished_at = _now()
    run.workers_considered = len(worker_arrays.ids)
    run.postings_considered = len(posting_arrays.ids)
    run.seats_open = int(posting_arrays.seats.sum())
    run.edges = len(considered.worker)
    run.matched = int((result.assignment >= 0).sum())
    run.matched_per_pass = [int(count) for count in result.matched_per_pass]
    run.blocking_pairs = int(blocking)
    run.offers_made, run.offers_kept, run.offers_withdrawn = made, kept, withdrawn
    run.durations = timer.durations
    run.save()
    return run


def _concat(parts: list) -> candidates.Candidates:
    if len(parts) == 1:
        return parts[0]
    return candidates.Candidates(
        worker=np.concatenate([part.worker for part in parts]),
        posting=np.concatenate([part.posting for part in parts]),
        worker_score=np.concatenate([part.worker_score for part in parts]),
        posting_score=np.concatenate([part.posting_score for part in parts]),
    )


def _edges(found: candidates.Candidates) -> engine.Edges:
    return engine.Edges(
        worker=found.worker, posting=found.posting, worker_score=found.worker_score, posting_score=found.posting_score
    )


def _declined_pairs(worker_ids: np.ndarray, posting_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(worker index, posting index) pairs the worker already declined: never offered again."""
    rows = Offer.objects.filter(status=Offer.Status.DECLINED, worker_id__in=_subset(worker_ids)).values_list(
        "worker_id", "posting_id"
    )
    pairs = np.array(list(rows), dtype=np.int64).reshape(-1, 2)
    w = np.searchsorted(worker_ids, pairs[:, 0])
    p = np.searchsorted(posting_ids, pairs[:, 1])
    found = (w < len(worker_ids)) & (p < len(posting_ids))
    found[found] &= (worker_ids[w[found]] == pairs[found, 0]) & (posting_ids[p[found]] == pairs[found, 1])
    return w[found].astype(np.int32), p[found].astype(np.int32)


def _subset(ids: np.ndarray) -> list[int] | QuerySet:
    # A full run's worker list is long; reading every declined offer is cheaper than a huge IN list.
    return ids.tolist() if len(ids) <= 1000 else Worker.objects.values("pk")


def _write(
    run, workers, postings, cohort_ids, assignment: np.ndarray, reoptimise: bool, reservation: Reservation | None
) -> tuple[int, int, int]:
    """Turn the assignment into offers; returns (made, kept, withdrawn)."""
    from matching.services.offers import offers_withdraw

    assigned = np.flatnonzero(assignment >= 0)
    target = {int(workers.ids[w]): int(postings.ids[assignment[w]]) for w in assigned}
    index_of = {int(worker_id): i for i, worker_id in enumerate(workers.ids)}
    with transaction.atomic():
        offer_write_lock()
        # Offers this run may re-optimise: waiting ones of the workers it considered, made before it
        # loaded. An incremental run may have offered a newcomer a job since; that offer stays.
        waiting = (
            [
                offer
                for offer in Offer.objects.select_for_update()
                .filter(status=Offer.Status.PROPOSED, created_at__lt=run.started_at)
                .only("pk", "worker_id", "posting_id", "group")
                if offer.worker_id in index_of
            ]
            if reoptimise
            else []
        )
        # Keep a waiting offer when the new assignment agrees (for a group: every member agrees).
        by_group: dict = defaultdict(list)
        for offer in waiting:
            by_group[offer.group or offer.pk].append(offer)
        keep: list[Offer] = []
        drop: list[Offer] = []
        for group in by_group.values():
            agrees = all(target.get(offer.worker_id) == offer.posting_id for offer in group)
            (keep if agrees else drop).extend(group)
        # An offer for a posting the run no longer saw (closed, expired, employer blocked) says so.
        still_open = set(postings.ids.tolist())
        withdrawn = []
        for reason, offers in (
            (Offer.WithdrawReason.REOPTIMISED, [offer for offer in drop if offer.posting_id in still_open]),
            (Offer.WithdrawReason.POSTING_CLOSED, [offer for offer in drop if offer.posting_id not in still_open]),
        ):
            if offers:
                withdrawn += offers_withdraw(offers=offers, reason=reason)
        kept_workers = {offer.worker_id for offer in keep}
        # Workers who said yes to something since the load are not offered anything new.
        busy = set(Offer.objects.live().values_list("worker_id", flat=True))
        new = {w: p for w, p in target.items() if w not in kept_workers and w not in busy}
        made = _create_offers(run, workers, postings, cohort_ids, index_of, new, reservation)
    return made, len(keep), len(withdrawn)


def _free_seats(posting_ids: set[int]) -> dict[int, list[int]]:
    """Seat ids free now for each posting, creating the seat rows up to its headcount."""
    headcounts = dict(JobPosting.objects.filter(pk__in=posting_ids).values_list("pk", "headcount"))
    existing = set(Seat.objects.filter(posting_id__in=posting_ids).values_list("posting_id", "number"))
    # Seats are created only here, under the offer-write lock, so no other transaction adds the same ones.
    rows_insert(
        Seat,
        (
            {"posting_id": posting_id, "number": number}
            for posting_id, headcount in headcounts.items()
            for number in range(1, headcount + 1)
            if (posting_id, number) not in existing
        ),
    )
    held = Offer.objects.seated().filter(posting_id__in=posting_ids).values("seat_id")
    free: dict[int, list[int]] = defaultdict(list)
    rows = (
        Seat.objects.filter(posting_id__in=posting_ids)
        .exclude(pk__in=held)
        .order_by("posting_id", "number")
        .values_list("posting_id", "pk", "number")
    )
    for posting_id, seat_id, number in rows:
        if number <= headcounts[posting_id]:
            free[posting_id].append(seat_id)
    return free


def _create_offers(run, workers, postings, cohort_ids, index_of, new: dict[int, int], reservation) -> int:
    if not new:
        return 0
    free = _free_seats(set(new.values()))
    posting_index = {int(posting_id): i for i, posting_id in enumerate(postings.ids)}
    # Whole cohorts only: a group whose posting cannot seat all of its members gets nothing.
    members: dict = defaultdict(list)
    for worker_id, posting_id in new.items():
        w = index_of[worker_id]
        members[(int(workers.cohort[w]), posting_id) if workers.cohort[w] >= 0 else (-1 - w, posting_id)].append(
            worker_id
        )
    chosen: list[tuple[int, int, int, uuid.UUID | None, int | None]] = []
    for (unit, posting_id), worker_ids in sorted(members.items(), key=lambda item: item[0][1]):
        seats = free.get(posting_id, [])
        if len(seats) < len(worker_ids):
            continue
        grouped = unit >= 0 and len(worker_ids) > 1
        group = uuid.uuid4() if grouped else None
        cohort = int(cohort_ids[unit]) if unit >= 0 else None
        for worker_id in sorted(worker_ids):
            chosen.append((worker_id, posting_id, seats.pop(0), group, cohort))
    if not chosen:
        return 0
    w = np.array([index_of[row[0]] for row in chosen], dtype=np.int32)
    p = np.array([posting_index[row[1]] for row in chosen], dtype=np.int32)
    scores = candidates.score_pairs(workers, postings, w, p)
    now = _now()
    deadline = answer_deadline(now)
    worker_parts = {name: values.round(2).tolist() for name, values in scores.worker_components.items()}
    posting_parts = {name: values.round(2).tolist() for name, values in scores.posting_components.items()}
    made = rows_insert(
        Offer,
        (
            {
                "run_id": run.pk,
                "worker_id": worker_id,
                "posting_id": posting_id,
                "seat_id": seat_id,
                "group": group,
                "cohort_id": cohort,
                "reservation_id": reservation.pk if reservation else None,
                "status": Offer.Status.PROPOSED,
                "worker_score": float(scores.worker_score[i]),
                "posting_score": float(scores.posting_score[i]),
                "worker_reasons": {name: values[i] for name, values in worker_parts.items()},
                "posting_reasons": {name: values[i] for name, values in posting_parts.items()},
                "created_at": now,
                "expires_at": deadline,
            }
            for i, (worker_id, posting_id, seat_id, group, cohort) in enumerate(chosen)
        ),
    )
    written = Offer.objects.filter(run=run, created_at=now)
    Worker.objects.filter(pk__in=written.values("worker_id")).update(status=Worker.Status.OFFERED, updated_at=now)
    ids = list(written.values_list("pk", flat=True))
    if ids:
        from matching.tasks import notify_offers

        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            transaction.on_commit(partial(notify_offers.delay, chunk, "new"))
    return made
