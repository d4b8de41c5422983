"""Dashboard snapshots: a view's figures are counted once and read again until recounted, per language; the
periodic task keeps the first view of every active staff member counted."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from config.celery import app
from config.periods import this_year
from console import statistics
from console.statistics import snapshots
from console.tasks import refresh_dashboards
from tests.accounts.factories import StaffFactory, county
from tests.console.statistics_world import END, START, ZHENXIONG, build
from tests.workers.factories import WorkerProfileFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("console_statistics")


def registered(client, **query) -> int:
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    return response.context["stats"].registered.change.current


def test_a_snapshot_holds_exactly_the_figures_counted_live(vehicles):
    build()
    period = {"start": START, "end": END, "region_code": ZHENXIONG}

    assert snapshots.dashboard_snapshot(**period).figures == statistics.dashboard(**period)


def test_the_page_reads_the_snapshot_until_staff_ask_to_count_again(client):
    client.force_login(StaffFactory(home_region=county(ZHENXIONG)))
    WorkerProfileFactory(hukou_county=county(ZHENXIONG))
    assert registered(client) == 1

    WorkerProfileFactory(hukou_county=county(ZHENXIONG))

    assert registered(client) == 1
    assert registered(client, recount="1") == 2
    assert registered(client) == 2
    assert "Counted at" in client.get(DASHBOARD).content.decode()


def test_each_language_has_its_own_snapshot(vehicles):
    build()
    period = {"start": START, "end": END, "region_code": None}
    with translation.override("zh-hans"):
        chinese = snapshots.dashboard_snapshot(**period).figures
    with translation.override("en"):
        english = snapshots.dashboard_snapshot(**period).figures

    assert [row.label for row in english.trained.by_type] != [row.label for row in chinese.trained.by_type]
    assert english.trained.total.enrolled == chinese.trained.total.enrolled


def test_the_first_views_are_those_of_staff_who_used_the_console_lately():
    now = timezone.now()
    StaffFactory(home_region=county(ZHENXIONG), last_login=now, preferred_language="en")
    StaffFactory(home_region=county(ZHENXIONG), last_login=now - timedelta(days=1), preferred_language="xx")
    StaffFactory(home_region=None, nationwide=True, last_login=now)
    StaffFactory(home_region=county("511321"), last_login=now - timedelta(days=30))  # away for a month
    StaffFactory(home_region=None, last_login=now)  # no region: sees no figures
    StaffFactory(home_region=county("441900"), last_login=now, is_active=False)

    assert snapshots.first_views(now=now) == [
        (None, settings.LANGUAGE_CODE),
        (ZHENXIONG, "en"),
        (ZHENXIONG, settings.LANGUAGE_CODE),
    ]


def test_the_periodic_task_counts_every_first_view_again(client):
    clerk = StaffFactory(home_region=county(ZHENXIONG), last_login=timezone.now(), preferred_language="en")
    client.force_login(clerk)
    assert registered(client) == 0
    WorkerProfileFactory(hukou_county=county(ZHENXIONG))

    app.conf.task_always_eager = True
    try:
        assert refresh_dashboards.delay().get() == 1
    finally:
        app.conf.task_always_eager = False

    assert registered(client) == 1
    with translation.override("en"):
        kept = snapshots.dashboard_snapshot(**this_year(), region_code=ZHENXIONG)
    assert kept.figures.registered.change.current == 1


def test_beat_runs_the_refresh_at_the_configured_interval():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-refresh"]
    assert entry["task"] == refresh_dashboards.name
    assert entry["schedule"] == settings.DASHBOARD_REFRESH_MINUTES * 60
