"""Reference-data fixtures for tests anywhere in the project.

`real_reference_data` gives a test the real files of reference/data/; they
load once per test session (per xdist worker, under a second). The root
tests/conftest.py can offer these to every app with
``pytest_plugins = ["tests.reference.fixtures"]``.
"""

from pathlib import Path

import pytest
from django.db import connection

from reference.models import MinimumWage, MinimumWageTier, Occupation, Region
from reference.services import DEFAULT_DATA_DIR, reference_data_load

FIXTURE_DATA_DIR = Path(__file__).resolve().parent / "data"


def _load_real_data() -> None:
    reference_data_load(data_dir=DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def _real_reference_data_session(django_db_setup, django_db_blocker):
    # Loaded outside any test transaction, so every later test sees it.
    with django_db_blocker.unblock():
        _load_real_data()


@pytest.fixture
def _real_reference_data_present(_real_reference_data_session, django_db_blocker):
    # A transactional test (live server, browser) flushes every table when it
    # ends; load again, committed, before this test's transaction begins.
    with django_db_blocker.unblock():
        if not Region.objects.filter(code="110000").exists():
            _load_real_data()


@pytest.fixture
def real_reference_data(_real_reference_data_present, db):
    """The real regions, occupations and minimum wages from reference/data/."""


@pytest.fixture
def empty_reference_tables(db):
    """No reference rows, whatever a session fixture loaded; restored when the test ends."""
    # Plain DELETEs: the ORM's cascade collector takes over half a second
    # per test on the real data, and the test's rollback restores the rows.
    with connection.cursor() as cursor:
        for model in (MinimumWageTier, MinimumWage, Occupation, Region):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


@pytest.fixture
def fixture_reference_data(empty_reference_tables):
    """The hand-built set in tests/reference/data/: Beijing, part of Hubei and of Guangdong."""
    return reference_data_load(data_dir=FIXTURE_DATA_DIR)


@pytest.fixture
def fixture_data_copy(tmp_path):
    """A writable copy of the hand-built files, for tests that spoil one of them."""
    for source in FIXTURE_DATA_DIR.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    return tmp_path
