"""Dispatch against PostgreSQL: two planners for the same site and day make one plan."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from dispatch import services
from dispatch.models import Passenger, Trip
from tests.dispatch.factories import confirmed
from tests.matching.factories import skilled
from tests.services import require_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_planners_for_the_same_window_make_one_plan(posting):
    require_services()
    confirmed(posting, [skilled() for _ in range(5)])
    day = posting.start_date - timedelta(days=2)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def plan() -> None:
        try:
            barrier.wait()
            services.group_plan(site_id=posting.site_id, travel_day=day)
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=plan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    assert Trip.objects.exclude(status=Trip.Status.CANCELLED).count() == 1
    assert Passenger.objects.count() == 5
