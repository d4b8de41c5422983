"""Benchmark of the staff console on 1,000,000 workers and 100,000 postings in PostgreSQL (`make bench`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng python scripts/bench_console.py [--reuse]
        [--db chunfeng_bench] [--template chunfeng_seed] [--copies 10] [--requests 20]

PostgreSQL only: the server and credentials come from BENCH_CONSOLE_DATABASE_URL or DATABASE_URL (its database
name is replaced by --db); without a PostgreSQL URL, or when the server does not answer, it prints that it was
skipped. The database --db is dropped and built again unless --reuse is given and it already holds the world.

Building, in about four minutes with a template or ten without:
1. A coherent world of about 100,000 workers: a copy of the --template database when it exists (`createdb -T`,
   which needs nobody connected to the template), else `migrate`, `load_reference_data` and `seed_demo --workers
   100000` (about 5.5 minutes). Then `migrate` for any newer migration.
2. Set-based multiplication (INSERT ... SELECT ... CROSS JOIN generate_series(1, copies - 1)): copy k of every row
   gets id + k * (the table's largest id), and every foreign key into a multiplied table moves by the same offset of
   that table, so each copy is the original world's twin: worker users, workers, skills, destination choices,
   unemployment registrations, profile certificates, postings, seats, offers, wage check-ins, trips, stops,
   passengers, enrolments, training certificates and wage cases. Unique values get a copy mark: usernames and
   certificate numbers a "~k" suffix, phone and ID-number hashes the SHA-256 of the old hash and k, offer groups
   the MD5 of the old group and k. Employers, sites, campaigns, courses, matching runs and staff are shared.
   Identity sequences are moved past the largest id, then VACUUM ANALYZE.

Measuring, with django.test.Client (force_login, so no password hashing) in this process:
- the statistics dashboard /console/statistics/ for a nationwide staff member, a clerk of the province with the
  most workers and a clerk of its busiest county: counted live (?recount=1, what the periodic refresh costs per
  view), then, after the refresh of every active staff member's first view (console.tasks.refresh_dashboards),
  the page as staff open it: the first request after the refresh ("cold") and p50/p95 over --requests more;
- the staff home /console/ for each of them;
- the first page of the changelists of workers, postings, offers, employers, trips, cases and enrolments, as the
  nationwide staff member and the province clerk, unfiltered and with one list filter each.
Each line prints p50, p95, the largest time, and the number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKERS_WANTED = 1_000_000


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="chunfeng_bench", help="database to build or reuse")
    parser.add_argument("--template", default="chunfeng_seed", help="a seeded 100k world to copy, when it exists")
    parser.add_argument("--seed-workers", type=int, default=100_000, help="workers to seed without a template")
    parser.add_argument("--copies", type=int, default=10, help="how many twins of the seeded world")
    parser.add_argument("--requests", type=int, default=20, help="warm requests per measured page")
    parser.add_argument("--reuse", action="store_true", help="keep --db when it already holds the world")
    return parser.parse_args()


def _server_url() -> str | None:
    for name in ("BENCH_CONSOLE_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://")):
            return url
    return None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


# Building ---------------------------------------------------------------------------------


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _recreate(url: str, name: str, template: str) -> bool:
    """Drop and create `name`, from `template` when there is one; True when it was copied from the template."""
    with _admin_connection(url) as conn, conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template and _exists(cursor, template):
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return True
        cursor.execute(f'CREATE DATABASE "{name}"')
        return False


# table → (largest-id offset source, {column: expression}); `{k}` is the copy number, `off(table)` its offset.
# Tables listed without "id" in their overrides keep their id shifted by their own offset.
MULTIPLIED: list[tuple[str, str, dict[str, str]]] = [
    (
        "accounts_user",
        "id IN (SELECT user_id FROM workers_worker)",
        {
            "username": "left(username, 140) || '~' || k",
            "phone_hash": "CASE WHEN phone_hash IS NULL THEN NULL "
            "ELSE encode(sha256(convert_to(phone_hash || '~' || k, 'UTF8')), 'hex') END",
        },
    ),
    (
        "workers_worker",
        "",
        {
            "user_id": "user_id + k * {accounts_user}",
            "id_number_hash": "CASE WHEN id_number_hash IS NULL THEN NULL "
            "ELSE encode(sha256(convert_to(id_number_hash || '~' || k, 'UTF8')), 'hex') END",
        },
    ),
    ("workers_skill", "", {"worker_id": "worker_id + k * {workers_worker}"}),
    ("workers_destinationchoice", "", {"worker_id": "worker_id + k * {workers_worker}"}),
    ("workers_unemploymentregistration", "", {"worker_id": "worker_id + k * {workers_worker}"}),
    ("workers_certificate", "", {"worker_id": "worker_id + k * {workers_worker}"}),
    ("jobs_jobposting", "", {}),
    ("matching_seat", "", {"posting_id": "posting_id + k * {jobs_jobposting}"}),
    (
        "matching_offer",
        "",
        {
            "worker_id": "worker_id + k * {workers_worker}",
            "posting_id": "posting_id + k * {jobs_jobposting}",
            "seat_id": "seat_id + k * {matching_seat}",
            "reservation_id": "NULL",
            "cohort_id": "NULL",
            '"group"': 'CASE WHEN "group" IS NULL THEN NULL ELSE md5("group"::text || k)::uuid END',
        },
    ),
    ("rights_wagecheckin", "", {"offer_id": "offer_id + k * {matching_offer}"}),
    (
        "rights_case",
        "",
        {"offer_id": "offer_id + k * {matching_offer}", "worker_id": "worker_id + k * {workers_worker}"},
    ),
    ("dispatch_trip", "", {}),
    ("dispatch_stop", "", {"trip_id": "trip_id + k * {dispatch_trip}"}),
    (
        "dispatch_passenger",
        "",
        {
            "offer_id": "offer_id + k * {matching_offer}",
            "trip_id": "trip_id + k * {dispatch_trip}",
            "stop_id": "stop_id + k * {dispatch_stop}",
        },
    ),
    ("training_enrollment", "", {"worker_id": "worker_id + k * {workers_worker}"}),
    (
        "training_trainingcertificate",
        "",
        {
            "number": "left(number, 40) || '~' || k",
            "enrollment_id": "enrollment_id + k * {training_enrollment}",
            "profile_certificate_id": "profile_certificate_id + k * {workers_certificate}",
        },
    ),
]


def _multiply(copies: int) -> None:
    """Copies 1 .. copies-1 of the seeded world's people and their history, set-based (see the module docstring)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        offsets = {}
        for table, _where, _over in MULTIPLIED:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (table names are constants)
            offsets[table] = cursor.fetchone()[0]
        for table, where, overrides in MULTIPLIED:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_generated = 'NEVER' "
                "ORDER BY ordinal_position",
                [table],
            )
            columns = [f'"{row[0]}"' if row[0] in ("group", "order") else row[0] for row in cursor.fetchall()]
            exprs = {"id": f"id + k * {offsets[table]}", **overrides}
            select = ", ".join(exprs[c].format(**offsets) if c in exprs else c for c in columns)
            condition = f"WHERE {where}" if where else ""
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (constants)
                    f"SELECT {select} FROM {table} CROSS JOIN generate_series(1, %s) AS k {condition}",
                    [copies - 1],
                )
                rows = cursor.rowcount
            sequence = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            cursor.execute(sequence)
            print(f"  {table:<36} +{rows:>10,} rows {time.perf_counter() - started:7.1f} s")


def build(options: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    copied = _recreate(options.server, options.db, options.template)
    print(f"database {options.db}: " + (f"copied from {options.template}" if copied else "created empty"))
    call_command("migrate", verbosity=0, interactive=False)
    if not copied:
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", workers=options.seed_workers, verbosity=0)
    print(f"{'seeded world ready':<44} {time.perf_counter() - started:8.1f} s")
    step = time.perf_counter()
    _multiply(options.copies)
    print(f"{'multiplied x' + str(options.copies):<44} {time.perf_counter() - step:8.1f} s")
    step = time.perf_counter()
    connection.close()
    import psycopg

    parts = urlsplit(options.url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=options.db,
        autocommit=True,
    ) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"{'VACUUM ANALYZE':<44} {time.perf_counter() - step:8.1f} s")


# Measuring --------------------------------------------------------------------------------


def _staff() -> dict[str, User]:
    """A nationwide staff member and clerks of the province with most workers and of its busiest county."""
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from accounts.models import User
    from console.roles import CLERK_GROUP
    from workers.models import Worker

    by_county = list(
        Worker.objects.filter(hukou_county__isnull=False)
        .values("hukou_county_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "hukou_county_id")
    )
    by_province: dict[str, int] = {}
    for row in by_county:
        by_province[row["hukou_county_id"][:2]] = by_province.get(row["hukou_county_id"][:2], 0) + row["n"]
    province = max(sorted(by_province), key=lambda code: by_province[code])
    county = next(row["hukou_county_id"] for row in by_county if row["hukou_county_id"].startswith(province))
    group = Group.objects.get(name=CLERK_GROUP)
    people: dict[str, User] = {}
    for key, region, nationwide in (
        ("nationwide", None, True),
        (f"province {province}0000", f"{province}0000", False),
        (f"county {county}", county, False),
    ):
        user, _created = User.objects.update_or_create(
            username=f"bench-{key.split()[0]}",
            defaults={
                "is_staff": True,
                "role": User.Role.STAFF,
                "nationwide": nationwide,
                "home_region_id": region,
                "phone_hash": None,
            },
        )
        user.groups.set([group])
        people[key] = user
    return people


def _measure(client, url: str, data: dict[str, str], requests: int) -> tuple[float, list[float], int]:
    """The first request's time and query count, then the times of `requests` more."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        response = client.get(url, data)
    first = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} {data}: HTTP {response.status_code}")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, data)
        times.append(time.perf_counter() - started)
    return first, times, len(executed)


def _line(label: str, first: float | None, times: list[float], queries: int) -> None:
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    cold = f"{first * 1000:8.0f}" if first is not None else f"{'':>8}"
    print(f"{label:<58} {cold} {p50 * 1000:8.0f} {p95 * 1000:8.0f} {times[-1] * 1000:8.0f} {queries:6d}")


CHANGELISTS: list[tuple[str, str, dict[str, str]]] = [
    ("workers", "/console/workers/worker/", {"status__exact": "seeking"}),
    ("postings", "/console/jobs/jobposting/", {"status__exact": "published"}),
    ("offers", "/console/matching/offer/", {"status__exact": "placed"}),
    ("employers", "/console/jobs/employer/", {"verification__exact": "verified"}),
    ("trips", "/console/dispatch/trip/", {"status__exact": "arrived"}),
    ("cases", "/console/rights/case/", {"status__exact": "received"}),
    ("enrolments", "/console/training/enrollment/", {"status__exact": "completed"}),
]


def measure(requests: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from workers.models import Worker

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(
        f"workers: {Worker.objects.count():,}; "
        f"postings: {__import__('jobs.models', fromlist=['JobPosting']).JobPosting.objects.count():,}"
    )
    people = _staff()
    header = f"{'page (ms)':<58} {'cold':>8} {'p50':>8} {'p95':>8} {'max':>8} {'SQL':>6}"
    print("\n" + header)
    clients: dict[str, Client] = {}
    for key, user in people.items():
        clients[key] = Client()
        clients[key].force_login(user)
    for key, client in clients.items():
        first, times, queries = _measure(client, "/console/statistics/", {"recount": "1"}, requests)
        _line(f"dashboard counted live (?recount=1), {key}", first, times, queries)
    # What staff see first: the snapshot the periodic task keeps for each of them (console.tasks).
    from django.utils import timezone

    from console.statistics.snapshots import dashboard_refresh, first_views

    for user in people.values():
        user.last_login, user.preferred_language = timezone.now(), settings.LANGUAGE_CODE
        user.save(update_fields=["last_login", "preferred_language"])
    started = time.perf_counter()
    views = first_views()
    for region_code, language in views:
        dashboard_refresh(region_code=region_code, language=language)
    print(f"{'periodic refresh of ' + str(len(views)) + ' first views (s)':<58} {time.perf_counter() - started:8.1f}")
    for key, client in clients.items():
        first, times, queries = _measure(client, "/console/statistics/", {}, requests)
        _line(f"dashboard first view (snapshot), {key}", first, times, queries)
    for key, client in clients.items():
        first, times, queries = _measure(client, "/console/", {}, requests)
        _line(f"staff home, {key}", first, times, queries)
    for key in list(clients)[:2]:
        for name, url, filters in CHANGELISTS:
            for label, data in ((name, {}), (f"{name} ?{'&'.join(f'{a}={b}' for a, b in filters.items())}", filters)):
                first, times, queries = _measure(clients[key], url, data, requests)
                _line(f"{label}, {key.split()[0]}", None, times, queries)


def main() -> None:
    options = _parse()
    server = _server_url()
    if server is None:
        print("bench_console: skipped (needs BENCH_CONSOLE_DATABASE_URL or DATABASE_URL of a PostgreSQL server)")
        return
    try:
        with _admin_connection(server) as conn:
            conn.execute("SELECT 1")
            with conn.cursor() as cursor:
                present = _exists(cursor, options.db)
    except Exception as error:  # any failure to connect means the server is not there
        print(f"bench_console: skipped (PostgreSQL not reachable: {error.__class__.__name__})")
        return
    options.server = server
    options.url = _with_db(server, options.db)
    os.environ["DATABASE_URL"] = options.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from workers.models import Worker

    ready = present and options.reuse and _count_workers() >= WORKERS_WANTED
    print(f"database: PostgreSQL {options.db}; Python {sys.version.split()[0]}")
    if ready:
        print(f"reusing {options.db}")
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    else:
        build(options)
    del Worker
    measure(options.requests)


def _count_workers() -> int:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM workers_worker")
            return int(cursor.fetchone()[0])
    except DatabaseError:
        return 0


if __name__ == "__main__":
    main()
