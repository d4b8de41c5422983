"""Benchmark of the public job search on 100,000 published postings (`make bench`).

Runs on a throw-away test database of whatever DATABASE_URL selects (SQLite by
default, in a file under var/ so that gunicorn workers can read it too). For
five filter combinations it prints the search page's p50/p95 server time and
requests per second, beside a trivial view served the same way, and the ratio:

1. in-process through django.test.Client, with the cache off (every request
   runs every query) and with the real cache (anonymous pages cached 30 s);
2. through gunicorn (2 sync workers) on 127.0.0.1, with a small threaded
   HTTP client; skipped with --no-gunicorn.

Then it prints the database's plan for each combination's result query.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from jobs.views import search as search_views  # noqa: E402


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


# This module is the URLconf while benchmarking: the trivial view beside the whole site.
urlpatterns = [path("bench-ok/", trivial), path("", include("config.urls"))]

POSTINGS = 100_000
EMPLOYERS = 300
SITES = 900
BATCH = 5_000
DB_FILE = ROOT / "var" / "bench_jobs.sqlite3"
DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
PAGE_CACHED = search_views._cached_job_list
LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-jobs"}}


def combinations(campaign_id: int) -> list[tuple[str, dict[str, str]]]:
    from django.db.models import Count

    from jobs.models import JobPosting
    from reference.models import Region
    from reference.selectors import region_path

    # The busiest county, as the picker submits it (a municipality's district repeats the province).
    busiest = JobPosting.objects.values("county_id").annotate(n=Count("id")).order_by("-n")[0]["county_id"]
    codes = [region.code for region in region_path(Region.objects.get(code=busiest))]
    codes = [codes[0], *codes[-2:]] if len(codes) == 3 else [codes[0], codes[0], codes[1]]
    county = {f"region_{index}": code for index, code in enumerate(codes)}
    return [
        ("no filter", {}),
        ("province + min pay", {"region_0": "440000", "min_pay": "5000"}),
        ("trade + housing", {"group": "manufacturing", "housing": "on"}),
        (
            "county + starts in 30 days + by pay",
            {**county, "starts_within": "30", "sort": "pay"},
        ),
        ("campaign + transport", {"campaign": str(campaign_id), "transport": "on"}),
    ]


def seed() -> int:
    """100,000 published postings from a few hundred employers at sites in real counties; the campaign's id."""
    from stdnum.cn import uscc

    from jobs.models import Campaign, Employer, JobPosting, Site
    from reference.models import Occupation, Region

    rng = random.Random(2027)  # noqa: S311 - repeatable test data, not secrets
    counties = list(Region.objects.current().filter(level="county", lat__isnull=False).values_list("code", flat=True))
    # Receiving areas get most sites, as in life: Guangdong, Zhejiang, Jiangsu, Shanghai, Fujian.
    receiving = [code for code in counties if code[:2] in {"44", "33", "32", "31", "35"}]
    occupations = list(Occupation.objects.values_list("id", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    standings = ["good"] * 92 + ["watch"] * 5 + ["blocked"] * 3

    def credit_code(n: int) -> str:
        body = f"91440300{n:09d}"
        return body + uscc.calc_check_digit(body)

    Employer.objects.bulk_create(
        Employer(
            name=f"测试企业{n}",
            uscc=credit_code(n),
            region_id=rng.choice(receiving),
            industry="manufacturing",
            contact_name="陈经理",
            contact_phone_encrypted="13900139002",
            verification="verified",
            standing=rng.choice(standings),
        )
        for n in range(EMPLOYERS)
    )
    employers = list(Employer.objects.values_list("id", flat=True))
    Site.objects.bulk_create(
        Site(
            employer_id=rng.choice(employers),
            name=f"厂区{n}",
            address=f"工业园{n}号",
            county_id=rng.choice(receiving if rng.random() < 0.8 else counties),
        )
        for n in range(SITES)
    )
    sites = list(Site.objects.values_list("id", "employer_id", "county_id"))
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            name=f"春风行动{n}",
            kind="spring_breeze",
            starts_on=today,
            ends_on=today + timedelta(100),
            organiser="人社局",
        )
        for n in range(5)
    )
    for start in range(0, POSTINGS, BATCH):
        rows = []
        for _n in range(start, min(start + BATCH, POSTINGS)):
            site_id, employer_id, county_id = rng.choice(sites)
            wage = rng.randrange(3000, 9001, 50)
            housing = rng.random() < 0.6
            meals = rng.random() < 0.5
            rows.append(
                JobPosting(
                    employer_id=employer_id,
                    site_id=site_id,
                    county_id=county_id,
                    occupation_id=rng.choice(occupations),
                    campaign=rng.choice(campaigns) if rng.random() < 0.1 else None,
                    kind=rng.choice(["regular"] * 8 + ["work_for_relief", "ecommerce"]),
                    title="普工",
                    headcount=rng.randint(1, 200),
                    start_date=today + timedelta(days=rng.randint(1, 120)),
                    contract_months=12,
                    wage_type="monthly",
                    wage_rate=Decimal(wage),
                    expected_monthly=wage,
                    deduction_dormitory=200 if housing else 0,
                    deduction_meals=300 if meals else 0,
                    housing_provided=housing,
                    meals_provided=meals,
                    transport=rng.choice(["p2p", "subsidy", "none", "none"]),
                    hours_per_day=Decimal(8),
                    days_per_week=6,
                    contact_name="陈经理",
                    contact_phone_encrypted="13900139002",
                    status="published",
                    published_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
                )
            )
        JobPosting.objects.bulk_create(rows)
    return campaigns[0].pk


def _stats(label: str, timings: list[float], elapsed: float) -> tuple[float, float, float]:
    timings = sorted(timings)
    p50 = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95) - 1] * 1000
    rate = len(timings) / elapsed
    print(f"  {label:<40} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   {rate:8.0f} req/s")
    return p50, p95, rate


def _check(status: int, url: str) -> None:
    if status != 200:
        raise SystemExit(f"{url} answered {status}")


def measure_in_process(url: str, params: dict[str, str], requests: int) -> list[float]:
    client = Client()
    for _n in range(5):
        _check(client.get(url, params).status_code, url)
    timings = []
    for _n in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - started)
        _check(response.status_code, url)
    return timings


# How much is cached: nothing; all but whole pages (what a logged-in worker or a page-cache miss meets); everything.
MODES = {
    "off": "cache off: every query and every widget runs",
    "warm": "page cache off: form HTML (60 s) and totals (30 s) cached",
    "on": "cache on: anonymous pages 30 s as well",
}


def use_mode(mode: str) -> override_settings:
    """Settings for a mode; without the page cache, anonymous requests go straight to the view."""
    search_views._cached_job_list = PAGE_CACHED if mode == "on" else search_views._job_list
    return override_settings(CACHES=DUMMY_CACHE if mode == "off" else LOCMEM_CACHE, ROOT_URLCONF=__name__)


def bench_in_process(combos: list[tuple[str, dict[str, str]]], requests: int, mode: str) -> None:
    print(f"\nin-process (django.test.Client), {requests} requests each, {MODES[mode]}")
    with use_mode(mode):
        started = time.perf_counter()
        base = _stats("trivial view", measure_in_process("/bench-ok/", {}, requests), time.perf_counter() - started)
        for name, params in combos:
            started = time.perf_counter()
            timings = measure_in_process("/jobs/", params, requests)
            _p50, _p95, rate = _stats(name, timings, time.perf_counter() - started)
            print(f"  {'':<40} throughput ratio to trivial view: {rate / base[2]:.2f}")


def _http_load(port: int, url: str, requests: int, threads: int) -> tuple[list[float], float]:
    timings: list[float] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        mine = []
        for _n in range(count):
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", url, headers={"Host": "localhost", "Accept-Language": "zh-hans"})
            response = conn.getresponse()
            response.read()
            conn.close()
            _check(response.status, url)
            mine.append(time.perf_counter() - started)
        with lock:
            timings.extend(mine)

    pool = [threading.Thread(target=worker, args=(requests // threads,)) for _n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings, time.perf_counter() - started


def bench_gunicorn(combos: list[tuple[str, dict[str, str]]], requests: int, cache: str) -> None:
    from urllib.parse import urlencode

    port = 8765
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DB_FILE}",
        "BENCH_JOBS_SERVE": cache,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
    }
    command = [
        sys.executable, "-m", "gunicorn", "bench_jobs:application", "--pythonpath", f"{ROOT / 'scripts'},{ROOT}",
        "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        for _n in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/bench-ok/", headers={"Host": "localhost"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        print(f"\ngunicorn, 2 sync workers, 4 client threads, {requests} requests each, {MODES[cache]}")
        _http_load(port, "/bench-ok/", 40, 4)
        base = _stats("trivial view", *_http_load(port, "/bench-ok/", requests, 4))
        for name, params in combos:
            url = "/jobs/?" + urlencode(params)
            _http_load(port, url, 20, 4)
            _p50, _p95, rate = _stats(name, *_http_load(port, url, requests, 4))
            print(f"  {'':<40} throughput ratio to trivial view: {rate / base[2]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def explain(combos: list[tuple[str, dict[str, str]]]) -> None:
    from django.contrib.auth.models import AnonymousUser

    from jobs.selectors import COUNT_CAP, PAGE_SIZE, job_search

    print("\nquery plans of the first page's id query, and the queries' own times")
    for name, params in combos:
        postings = job_search(params=params, user=AnonymousUser()).postings
        ids = postings.values_list("id", flat=True)[:PAGE_SIZE]
        print(f"- {name}")
        for line in ids.explain().splitlines():
            print(f"    {line}")
        for label, run in [
            ("page ids", partial(list, ids)),
            (f"count capped at {COUNT_CAP}", postings.order_by()[: COUNT_CAP + 1].count),
            ("exact count (not run by the page)", postings.count),
        ]:
            started = time.perf_counter()
            run()
            print(f"    {label}: {(time.perf_counter() - started) * 1000:.1f} ms")


def _timed(label: str, func: Callable, *args: object, **kwargs: object) -> object:
    started = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<44} {time.perf_counter() - started:8.1f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-gunicorn", action="store_true")
    options = parser.parse_args()

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    served_by_gunicorn = connection.vendor == "sqlite" and not options.no_gunicorn
    if connection.vendor == "sqlite":
        DB_FILE.unlink(missing_ok=True)
        connection.settings_dict["TEST"]["NAME"] = str(DB_FILE)
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"database: {connection.vendor}; Python {sys.version.split()[0]}")
        _timed("reference data load", call_command, "load_reference_data", verbosity=0)
        campaign_id = _timed(f"seed {POSTINGS:,} published postings", seed)
        combos = combinations(int(campaign_id))  # type: ignore[call-overload]
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for mode in MODES:
            bench_in_process(combos, options.requests, mode)
        if served_by_gunicorn:
            for mode in MODES:
                bench_gunicorn(combos, options.requests, mode)
        else:
            print("\ngunicorn run skipped (needs the SQLite file database, or --no-gunicorn given)")
        explain(combos)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if os.environ.get("BENCH_JOBS_SERVE"):
    # Inside a gunicorn worker: this module is the URLconf, the caches as the mode says.
    from django.core.wsgi import get_wsgi_application

    use_mode(os.environ["BENCH_JOBS_SERVE"]).enable()
    application = get_wsgi_application()

if __name__ == "__main__":
    main()
