"""The console's matching pages: runs with the priority rule, starting a full run, fairness, scoped offers."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from config.exports import spreadsheet_safe
from matching.models import MatchRun, Offer
from matching.services import runs
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import PostingFactory
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db

RUNS = reverse("admin:matching_matchrun_changelist")
START = reverse("admin:matching_matchrun_start")
HOME_COUNTY = "530627"  # where the factories' workers come from
OTHER_COUNTY = "511321"


def staff_in(client: Client, code: str = HOME_COUNTY, *codenames: str) -> User:
    staff = StaffFactory(home_region=county(code))
    wanted = ["view_matchrun", "view_offer", *codenames]
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="matching", codename__in=wanted))
    client.force_login(staff)
    return staff


def test_the_runs_page_publishes_the_priority_rule(client):
    staff_in(client)
    runs.run_full()

    page = client.get(RUNS).content.decode()

    assert "Priority rule: a registered poor labourer verified by the bureau gets 30 points" in page
    assert "Scheduled full run" in page


def test_staff_with_the_permission_start_a_full_run(client, django_capture_on_commit_callbacks):
    staff_in(client, HOME_COUNTY, "run_matching")

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(START, follow=True)

    assert "A full matching run is queued." in response.content.decode()
    assert len(callbacks) == 1
    assert "Start a full matching run" in client.get(RUNS).content.decode()


def test_staff_without_the_permission_cannot_start_a_run_or_see_the_button(client, django_capture_on_commit_callbacks):
    staff_in(client)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(START)

    assert response.status_code == 403
    assert callbacks == []
    assert "Start a full matching run" not in client.get(RUNS).content.decode()


def test_the_fairness_report_shows_each_group_and_downloads_as_csv(client):
    staff_in(client)
    skilled(poor_labourer="verified")
    skilled()
    PostingFactory(headcount=1)
    run = runs.run_full()
    url = reverse("admin:matching_matchrun_fairness", args=[run.pk])

    page = client.get(url).content.decode()
    download = client.get(url, {"format": "csv"})

    assert "Registered poor labourer" in page and "Age band" in page
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    priority = {row[1]: row for row in rows if row[0] == "Registered poor labourer"}
    assert priority["Yes"][2:4] == ["1", "1"]
    assert priority["No"][2:4] == ["1", "0"]
    assert download["Content-Disposition"] == f'attachment; filename="fairness-run-{run.pk}.csv"'


def test_spreadsheet_cells_never_start_a_formula():
    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("-5") == "'-5"
    assert spreadsheet_safe("南部县") == "南部县"
    assert spreadsheet_safe(5) == 5


def test_staff_see_offers_of_their_workers_but_not_of_another_county(client):
    worker = skilled()
    PostingFactory()
    runs.run_for_worker(worker_id=worker.pk)
    offer = Offer.objects.get()
    change = reverse("admin:matching_offer_change", args=[offer.pk])

    staff_in(client, HOME_COUNTY)
    assert client.get(change).status_code == 200

    staff_in(client, OTHER_COUNTY)
    assert client.get(change).status_code == 404
    assert str(offer.posting) not in client.get(reverse("admin:matching_offer_changelist")).content.decode()


def test_a_run_page_links_to_its_fairness_report(client):
    staff_in(client)
    skilled()
    run = runs.run_full()

    page = client.get(reverse("admin:matching_matchrun_change", args=[run.pk])).content.decode()

    assert reverse("admin:matching_matchrun_fairness", args=[run.pk]) in page
    assert MatchRun.objects.count() == 1
