"""End-to-end matching benchmark on PostgreSQL (`make bench`).

1. Builds a synthetic world (matching.synthetic: real counties, realistic
   shape) of N workers in a database of its own (BENCH_DATABASE_URL, default
   chunfeng_bench on the local server), written with COPY.
2. Times one full run through the real code path: load from the database,
   generate candidates, solve, write offers, fairness report; prints the
   phases as the MatchRun recorded them.
3. With Redis (REDIS_URL, default local), starts a real `celery worker` and
   times sign-up commit → offer row for fresh workers; prints p50 and p95.

Prints "skipped" and exits 0 when PostgreSQL is not reachable.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chunfeng_bench"


def _database_ready(url: str) -> str | None:
    """Create the bench database if needed; None when ready, else why not."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--incremental", type=int, default=40, help="sign-ups timed through a real worker")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    why = _database_ready(url)
    if why:
        print(f"matching end to end: skipped, PostgreSQL not reachable ({why})")
        return
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SMS_BACKEND", "accounts.sms.OutboxBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    World(args.workers).build()
    full = full_run_figures()
    incremental = incremental_figures(args.incremental) if args.incremental else None
    print()
    print(f"matching end to end on PostgreSQL, {args.workers:,} workers")
    print(f"{'phase':<12}{'seconds':>10}")
    for phase, seconds in full["durations"].items():
        print(f"{phase:<12}{seconds:>10.2f}")
    print(f"{'total':<12}{full['total']:>10.2f}")
    print(
        f"workers {full['workers']:,}  postings {full['postings']:,}  seats {full['seats']:,}  "
        f"candidate pairs {full['edges']:,}  matched {full['matched']:,} ({full['rate']:.1%})  "
        f"offers written {full['offers']:,}  blocking pairs {full['blocking']}  per pass {full['per_pass']}"
    )
    if incremental:
        print(
            f"incremental, sign-up commit → offer row with a real worker on Redis ({incremental['n']} sign-ups): "
            f"p50 {incremental['p50']:.3f} s, p95 {incremental['p95']:.3f} s, max {incremental['max']:.3f} s"
        )


class World:
    """The synthetic arrays written into the bench database with COPY."""

    def __init__(self, n_workers: int) -> None:
        from matching.synthetic import synthetic

        self.n = n_workers
        self.workers, self.postings = synthetic(n_workers, seed=7)

    def build(self) -> None:
        from django.db import connection

        from reference.models import Occupation

        started = time.perf_counter()
        tables = [
            "matching_offer",
            "matching_seat",
            "matching_matchrun",
            "outbox_consumption",
            "outbox_outboxevent",
            "workers_cohortmember",
            "workers_cohort",
            "workers_destinationchoice",
            "workers_certificate",
            "workers_skill",
            "workers_worker",
            "jobs_jobposting",
            "jobs_site",
            "jobs_employermember",
            "jobs_employer",
            "accounts_smsmessage",
            "accounts_user",
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        self.occupations = list(Occupation.objects.order_by("pk").values_list("pk", flat=True))
        self._workers()
        self._postings()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built {self.n:,} workers, {len(self.postings.ids):,} postings in {time.perf_counter() - started:.1f} s")

    def _occupation(self, index: int) -> int:
        return self.occupations[int(index) % len(self.occupations)]

    def _workers(self) -> None:
        from accounts.models import User
        from workers.models import Certificate, Cohort, CohortMember, DestinationChoice, Skill, Worker

        w = self.workers
        epoch = date(1970, 1, 1)
        now = datetime.now().astimezone()
        registered = now - timedelta(days=30)
        ids = range(1, self.n + 1)
        copy_rows(User, ({"id": i, "username": f"bench{i}", "role": "worker", "date_joined": now} for i in ids))
        modes = ["anywhere", "provinces", "local"]

        def worker_row(i: int) -> dict:
            k = i - 1
            sixteenth = epoch + timedelta(days=int(w.adult_from[k]))
            start = int(w.available_from[k])
            until = int(w.available_to[k])
            return {
                "id": i,
                "user_id": i,
                "real_name": "",
                "birth_date": date(sixteenth.year - 16, sixteenth.month, min(sixteenth.day, 28)),
                "gender": "male" if k % 3 else "female",
                "hukou_county_id": str(int(w.home_county[k])),
                "destinations": modes[int(w.destinations_mode[k])],
                "min_monthly_wage": int(w.min_wage[k]) or None,
                "available_from": None if start < -(10**9) else epoch + timedelta(days=start),
                "available_to": None if until > 10**9 else epoch + timedelta(days=until),
                "status": "seeking",
                "poor_labourer": "verified" if w.priority[k] else "no",
                "signup_step": 7,
                "created_at": registered + timedelta(seconds=int(w.registered_rank[k])),
                "updated_at": now,
            }

        copy_rows(Worker, (worker_row(i) for i in ids))

        def per_worker(ptr, *columns):
            for k in range(self.n):
                for j in range(int(ptr[k]), int(ptr[k + 1])):
                    yield k + 1, *(column[j] for column in columns)

        copy_rows(
            Skill,
            (
                {"worker_id": i, "occupation_id": self._occupation(o), "years": int(y)}
                for i, o, y in per_worker(w.skill_ptr, w.skill_occupation, w.skill_years)
            ),
            unique=("worker_id", "occupation_id"),
        )
        copy_rows(
            Certificate,
            (
                {"worker_id": i, "name": "职业技能等级证书", "occupation_id": self._occupation(o), "level": int(lv)}
                for i, o, lv in per_worker(w.cert_ptr, w.cert_occupation, w.cert_level)
            ),
        )
        copy_rows(
            DestinationChoice,
            (
                {"worker_id": k + 1, "province_id": f"{int(p):02d}0000", "rank": rank + 1}
                for k in range(self.n)
                for rank, p in enumerate(w.destination_provinces[k])
                if p >= 0
            ),
        )
        grouped = sorted({int(c) for c in w.cohort if c >= 0})
        first_member = {}
        for k in range(self.n):
            if w.cohort[k] >= 0:
                first_member.setdefault(int(w.cohort[k]), k + 1)
        copy_rows(
            Cohort,
            ({"id": c + 1, "name": f"老乡{c}", "created_by_id": first_member[c], "created_at": now} for c in grouped),
        )
        copy_rows(
            CohortMember,
            (
                {
                    "cohort_id": int(w.cohort[k]) + 1,
                    "worker_id": k + 1,
                    "phone_hash": f"bench-{k + 1}",
                    "status": "confirmed",
                    "invited_at": now,
                    "responded_at": now,
                }
                for k in range(self.n)
                if w.cohort[k] >= 0
            ),
        )

    def _postings(self) -> None:
        from jobs.models import Employer, JobPosting, Site

        p = self.postings
        now = datetime.now().astimezone()
        epoch = date(1970, 1, 1)
        counties = sorted({int(c) for c in p.county})
        site_of = {county: i + 1 for i, county in enumerate(counties)}
        copy_rows(
            Employer,
            (
                {
                    "id": i + 1,
                    "name": f"春风测试企业{i + 1}",
                    "uscc": f"BENCH{i + 1:013d}",
                    "region_id": str(county),
                    "industry": "manufacturing",
                    "contact_name": "陈经理",
                    "verification": "verified",
                    "standing": "good",
                    "created_at": now,
                }
                for i, county in enumerate(counties)
            ),
        )
        copy_rows(
            Site,
            (
                {"id": i + 1, "employer_id": i + 1, "name": "厂区", "address": "—", "county_id": str(county)}
                for i, county in enumerate(counties)
            ),
        )
        transports = ["none", "subsidy", "p2p"]

        def posting_row(k: int) -> dict:
            site = site_of[int(p.county[k])]
            net = int(p.net_monthly[k])
            expected = int(p.expected_monthly[k])
            return {
                "id": k + 1,
                "employer_id": site,
                "site_id": site,
                "county_id": str(int(p.county[k])),
                "occupation_id": self._occupation(p.occupation[k]),
                "kind": "work_for_relief" if p.local_only[k] else "regular",
                "title": "普工",
                "headcount": int(p.seats[k]),
                "start_date": epoch + timedelta(days=int(p.start_day[k])),
                "contract_months": int(p.contract_months[k]),
                "wage_type": "monthly",
                "wage_rate": expected,
                "expected_monthly": expected,
                "deduction_dormitory": expected - net,
                "housing_provided": bool(p.housing[k]),
                "transport": transports[int(p.transport[k])],
                "transport_subsidy": int(p.transport_subsidy[k]),
                "trainees_accepted": bool(p.trainees_accepted[k]),
                "years_required": int(p.years_required[k]),
                "hours_per_day": 8,
                "days_per_week": 6,
                "contact_name": "陈经理",
                "status": "published",
                "published_at": now,
                "created_at": now,
                "updated_at": now,
            }

        copy_rows(JobPosting, (posting_row(k) for k in range(len(p.ids))))


def copy_rows(model, rows, *, unique: tuple[str, ...] | None = None) -> int:
    """COPY dicts into the model's table; missing columns take the field default, then reset the id sequence."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    columns = [f.column for f in fields]
    seen: set = set()
    count = 0
    with connection.cursor() as cursor:
        psycopg_cursor = cursor.cursor
        statement = f'COPY "{model._meta.db_table}" ({", ".join(columns)}) FROM STDIN'
        with psycopg_cursor.copy(statement) as copy:
            next_id = 1
            for row in rows:
                if unique:
                    key = tuple(row[name] for name in unique)
                    if key in seen:
                        continue
                    seen.add(key)
                values = []
                for f in fields:
                    if f.primary_key and f.attname not in row:
                        value = next_id
                    elif f.attname in row:
                        value = row[f.attname]
                    else:
                        value = f.get_default()
                    values.append(f.get_db_prep_save(value, connection))
                copy.write_row(values)
                next_id += 1
                count += 1
        table = model._meta.db_table
        # The table name comes from the model, not from input.
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(MAX(id), 1)) FROM {table}"  # noqa: S608
        cursor.execute(sql)
    return count


def full_run_figures() -> dict:
    from matching.models import Offer
    from matching.services import runs

    started = time.perf_counter()
    run = runs.run_full()
    total = time.perf_counter() - started
    return {
        "durations": run.durations,
        "total": total,
        "workers": run.workers_considered,
        "postings": run.postings_considered,
        "seats": run.seats_open,
        "edges": run.edges,
        "matched": run.matched,
        "rate": run.match_rate or 0.0,
        "offers": Offer.objects.count(),
        "blocking": run.blocking_pairs,
        "per_pass": run.matched_per_pass,
    }


def incremental_figures(n: int) -> dict | None:
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Count, F, Q

    from accounts.models import User
    from jobs.models import JobPosting
    from matching.models import Offer
    from tests.services import celery_worker
    from workers.models import Skill, Worker
    from workers.services.profile import worker_changed_publish

    if not settings.REDIS_URL:
        return None
    # Postings with seats left after the full run: fresh workers with their trade find one.
    open_postings = (
        JobPosting.objects.annotate(taken=Count("offers", filter=Q(offers__status__in=["proposed", "accepted"])))
        .filter(taken__lt=F("headcount"), transport="p2p")
        .order_by("-net_monthly")
    )
    targets = list(open_postings.values_list("occupation_id", flat=True)[: n * 3])
    latencies = []
    with celery_worker(broker_url=settings.REDIS_URL) as _worker:
        for i in range(n):
            with transaction.atomic():
                user = User.objects.create(username=f"bench-signup-{i}-{time.time_ns()}")
                worker = Worker.objects.create(
                    user=user,
                    birth_date=date(1995, 5, 5),
                    hukou_county_id="530621",
                    signup_step=7,
                    destinations="anywhere",
                )
                Skill.objects.create(worker=worker, occupation_id=targets[i % len(targets)], years=5)
                worker_changed_publish(worker_id=worker.pk)
            committed = time.perf_counter()
            deadline = committed + 30
            while time.perf_counter() < deadline:
                if Offer.objects.filter(worker_id=worker.pk).exists():
                    latencies.append(time.perf_counter() - committed)
                    break
                time.sleep(0.01)
    if not latencies:
        return None
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "max": latencies[-1],
    }


if __name__ == "__main__":
    main()
