"""Locks that keep matching runs from stepping on each other.

- One full run at a time: a PostgreSQL session advisory lock, tried without
  waiting (a second full run is recorded as skipped). It dies with the
  connection, so a killed worker never leaves it held.
- Every transaction that writes offers takes a transaction advisory lock
  first, so a full run's write phase and incremental runs never interleave.

SQLite (the zero-setup demo) has no advisory locks: the full-run lock falls
back to the cache, and its IMMEDIATE transactions already serialise writers.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

# Arbitrary, fixed keys in PostgreSQL's advisory lock space.
FULL_RUN_KEY = 0x43_46_4D_01
OFFER_WRITE_KEY = 0x43_46_4D_02
_CACHE_KEY = "matching:full-run"
_CACHE_TIMEOUT = 3600


@contextmanager
def full_run_lock() -> Iterator[bool]:
    """Take the one-full-run-at-a-time lock if free; yields whether this caller holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FULL_RUN_KEY])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [FULL_RUN_KEY])
        return
    held = cache.add(_CACHE_KEY, 1, timeout=_CACHE_TIMEOUT)
    try:
        yield held
    finally:
        if held:
            cache.delete(_CACHE_KEY)


def offer_write_lock() -> None:
    """Inside a transaction: wait until no other transaction is writing offers (released at commit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OFFER_WRITE_KEY])
