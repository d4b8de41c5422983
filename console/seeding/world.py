"""Build the seeded world: employers and postings, courses, workers with their history, then the current season.

The past (18 months of placements, trips that arrived, wage check-ins, cases)
is written directly in bulk, each row as the services would leave it. The
present goes through the real code: a full matching run over every seeking
worker and open posting, answers to its offers, and the dispatch planner for
the confirmed ones. Nothing is announced: the world is one transaction, and the
texts and tasks its services queue for after commit are dropped, because the
people in it do not exist.
"""

import random

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from console.seeding import places
from console.seeding.base import BATCH, DEFAULT_SEED, PREFIX, SeedError, SeedReport, World, seeded_workers, timed
from console.seeding.employers import campaigns_create, courses_create, employers_create, past_postings_close
from console.seeding.history import cases_create, history_trips_create, offers_answer, trips_plan, wage_checkins_create
from console.seeding.people import history_runs_close, history_runs_create, workers_create
from dispatch.models import Passenger, Trip
from jobs.models import Employer, JobPosting
from matching.models import MatchRun, Offer
from matching.services import runs
from reference.models import Occupation, Region
from reference.selectors import legal_minimum_wages
from rights.models import Case
from training.models import Course, Enrollment, Provider, TrainingCertificate
from workers.models import Worker


def seed_world(
    *, workers: int, seed: int = DEFAULT_SEED, batch_size: int = BATCH, plan_trips: bool = True
) -> SeedReport:
    """Build the world for `workers` workers; skipped (report.skipped) when a seeded world is already there.

    `plan_trips=False` leaves the confirmed offers for dispatch to plan later: the planner runs group by group,
    which is the longest phase of a very large world.
    """
    report = SeedReport()
    if seeded_workers():
        report.skipped = True
        return report
    # The history records what staff change; the seed is not a staff change.
    with transaction.atomic(), disable_auditlog():
        queued = len(connection.run_on_commit)
        world = _world(seed)
        with timed(report, "employers"):
            campaigns_create(world)
            employers_create(world, workers)
        with timed(report, "training"):
            courses_create(world)
        with timed(report, "workers"):
            history_runs_create(world)
            for start in range(0, workers, batch_size):
                workers_create(world, range(start, min(start + batch_size, workers)))
            past_postings_close(world)
            history_runs_close(world)
        with timed(report, "history"):
            history_trips_create(world)
            unpaid = wage_checkins_create(world)
            cases_create(world, unpaid)
        with timed(report, "matching"):
            run = runs.run_full(trigger=MatchRun.Trigger.MANUAL, started_by_id=world.staff.pk if world.staff else None)
            world.counts["offers made by the matching run"] = run.offers_made
        with timed(report, "answers"):
            offers_answer(world, run)
        if plan_trips:
            with timed(report, "dispatch"):
                trips_plan(world)
        # The services queued texts and tasks for people who do not exist: drop them, commit the rows.
        del connection.run_on_commit[queued:]
    report.counts = dict(world.counts)
    return report


def _world(seed: int) -> World:
    codes = [*places.SENDING_COUNTIES, *places.RECEIVING_COUNTIES]
    regions = {region.code: region for region in Region.objects.filter(code__in=codes)}
    regions |= {region.code: region for region in Region.objects.filter(code__in=[c[:2] + "0000" for c in codes])}
    if not any(code in regions for code in places.SENDING_COUNTIES):
        raise SeedError("Reference data is missing: run `manage.py load_reference_data` first.")
    wanted = {*places.MIGRANT_TRADES, *(trade[1] for trade in places.LOCAL_TRADES)}
    wanted |= {code for subjects in places.COURSE_SUBJECTS.values() for code in subjects}
    rows = Occupation.objects.filter(code__in=wanted).values_list("code", "pk", "name_zh")
    occupations = {code: pk for code, pk, _name in rows}
    now = timezone.now()
    today = timezone.localdate()
    minimum = {code: wage or 0 for code, wage in legal_minimum_wages(county_codes=set(regions), on=today).items()}
    return World(
        rng=random.Random(seed),  # noqa: S311 - made-up data that must repeat for a seed, not secrets
        today=today,
        now=now,
        staff=User.objects.filter(username="demo-staff").first() or User.objects.filter(is_superuser=True).first(),
        regions=regions,
        occupations=occupations,
        minimum=minimum,
        occupation_names={pk: name for _code, pk, name in rows},
    )


# Reset ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def seed_reset() -> int:
    """Delete the seeded world (workers, employers, providers, their rows); returns how many workers went."""
    with disable_auditlog():
        return _delete_seeded()


def _delete_seeded() -> int:
    workers = Worker.objects.filter(user__username__startswith=PREFIX)
    employers = Employer.objects.filter(members__user__username__startswith=PREFIX)
    providers = Provider.objects.filter(members__user__username__startswith=PREFIX)
    postings = JobPosting.objects.filter(employer__in=employers)
    offers = Offer.objects.filter(Q(worker__in=workers) | Q(posting__in=postings))
    count = workers.count()
    Passenger.objects.filter(offer__in=offers).delete()
    Trip.objects.filter(site__employer__in=employers).delete()
    Case.objects.filter(Q(worker__in=workers) | Q(employer__in=employers)).delete()
    offers.delete()
    TrainingCertificate.objects.filter(enrollment__worker__in=workers).delete()
    Enrollment.objects.filter(Q(worker__in=workers) | Q(course__provider__in=providers)).delete()
    Course.objects.filter(provider__in=providers).delete()
    providers.delete()
    postings.delete()
    employers.delete()
    workers.delete()
    MatchRun.objects.filter(parameters__seeded=True).delete()
    User.objects.filter(username__startswith=PREFIX).delete()
    return count
