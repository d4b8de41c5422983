"""Test settings and shared fixtures.

Settings adjust here rather than in a second settings module, so the tests
run the real configuration with only what a test run needs changed.

Integration tests (marked `integration`) need PostgreSQL, Redis and a real
Celery worker process. Locally they skip when a service is absent; with
CHUNFENG_REQUIRE_SERVICES=1 (set by CI) a missing service fails them instead.
"""

import os
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from tests.services import celery_worker, require_services, services_available

pytest_plugins = ["tests.reference.fixtures", "tests.dispatch.fixtures"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "accounts.sms.OutboxBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    # A cache per test: rate-limit counters must not leak between tests or runs.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Tests read English messages unless they ask for Chinese (translation.override("zh-hans"))."""
    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Client:
    """A browser that prefers English; tests of the Chinese pages build their own client."""
    return Client(headers={"accept-language": "en"})


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CHUNFENG_REQUIRE_SERVICES") == "1":
        return
    reason = services_available()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"integration services absent: {reason}")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def live_worker(transactional_db, worker_id):
    """A real `celery worker` process on Redis, reading the test database."""
    require_services()
    with celery_worker(xdist_worker=worker_id) as worker:
        yield worker
