"""Fixtures for dispatch tests anywhere (a plugin of the root conftest): vehicle types and a posting to travel to."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.models import VehicleType
from tests.dispatch.factories import coordinates
from tests.jobs.factories import PostingFactory


@pytest.fixture
def vehicles() -> list[VehicleType]:
    # Tests run without migrations, so the vehicle types of the data migration are made here.
    return [
        VehicleType.objects.create(name="大客车（45座）", seats=45, cost_per_km="6.50", speed_kmh=70),
        VehicleType.objects.create(name="大型客车（53座）", seats=53, cost_per_km="7.20", speed_kmh=70),
    ]


@pytest.fixture
def posting(vehicles):
    """A posting for 100 at a Dongguan factory, starting in 20 days; the workers' home is Zhenxiong, Yunnan."""
    coordinates("530627", 27.44, 104.87)
    coordinates("441900", 23.02, 113.75)
    return PostingFactory(headcount=100, start_date=timezone.localdate() + timedelta(days=20))
