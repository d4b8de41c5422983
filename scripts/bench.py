"""Benchmarks of the foundation, printing figures (`make bench`).

Runs on a throw-away test database of whatever DATABASE_URL selects (SQLite
in memory by default): reference-data load, OTP log-in round trips, minimum
wage look-ups, and the weight of the entry pages with all their assets. Then
the console on a million workers (scripts/bench_console.py --reuse, in its own
process and PostgreSQL database; it says so when it is skipped).
"""

import gzip
import os
import re
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

LOGINS = 200
LOOKUPS = 5000


def _timed(label: str, func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<44} {time.perf_counter() - started:8.3f} s")
    return result


def bench_reference() -> None:
    from reference.models import MinimumWage, Occupation, Region

    _timed("reference data: first load", call_command, "load_reference_data", verbosity=0)
    _timed("reference data: second load (no changes)", call_command, "load_reference_data", verbosity=0)
    current = Region.objects.current()
    print(
        f"{'  rows':<44} {current.filter(level='province').count()} provinces, "
        f"{current.filter(level='prefecture').count()} prefectures, {current.filter(level='county').count()} counties, "
        f"{Region.objects.filter(valid_to__isnull=False).count()} abolished; "
        f"{Occupation.objects.count()} occupations; {MinimumWage.objects.count()} wage tiers"
    )


def bench_minimum_wage() -> None:
    from reference.models import Region
    from reference.selectors import legal_minimum_wage

    counties = list(Region.objects.current().filter(level="county").values_list("code", flat=True))
    on = date(2026, 6, 1)
    started = time.perf_counter()
    for i in range(LOOKUPS):
        legal_minimum_wage(county_code=counties[i % len(counties)], on=on)
    elapsed = time.perf_counter() - started
    print(f"{'legal minimum wage look-ups':<44} {LOOKUPS / elapsed:8.0f} /s ({elapsed / LOOKUPS * 1000:.2f} ms each)")


@override_settings(SMS_BACKEND="accounts.sms.OutboxBackend", OTP_PER_IP_PER_HOUR=LOGINS * 10)
def bench_otp() -> None:
    from accounts.models import SmsMessage
    from accounts.services import otp_request, otp_verify

    phones = [f"139{i:08d}" for i in range(LOGINS)]
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for phone in phones:
            otp_request(phone=phone, ip="198.51.100.7")
            body = SmsMessage.objects.only("body").first().body  # newest first
            otp_verify(phone=phone, code=re.search(r"\d{6}", body).group())
        elapsed = time.perf_counter() - started
    per_login = len(queries.captured_queries) / LOGINS - 1  # less the bench's own read of the SMS
    print(
        f"{'OTP log-in (request + verify), new workers':<44} {elapsed / LOGINS * 1000:8.2f} ms each, "
        f"{per_login:.0f} queries"
    )


@override_settings(
    STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
)
def bench_page_weight() -> None:
    client = Client()
    for url in ["/", "/accounts/login/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        html = response.content
        raw, packed = len(html), len(gzip.compress(html))
        for asset in sorted(set(re.findall(r'(?:href|src)="/static/([^"]+)"', html.decode()))):
            data = Path(finders.find(asset)).read_bytes()
            raw += len(data)
            packed += len(gzip.compress(data))
        print(f"{'page weight ' + url:<44} {raw / 1024:8.1f} KB raw, {packed / 1024:.1f} KB gzip (budget 60 KB)")


def bench_console() -> None:
    # Its own process: it points Django at its own PostgreSQL database before set-up.
    script = Path(__file__).with_name("bench_console.py")
    subprocess.run([sys.executable, str(script), "--reuse"], check=False)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"database: {connection.vendor}; Python {sys.version.split()[0]}")
        bench_reference()
        bench_minimum_wage()
        bench_otp()
        bench_page_weight()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'peak memory (RSS)':<44} {peak:8.1f} MB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print()
    bench_console()


if __name__ == "__main__":
    main()
