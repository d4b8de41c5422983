"""The console's job postings: region scope, the flagged filter, approve and send back."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from jobs.models import JobPosting
from outbox.models import OutboxEvent
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import PostingFactory, SiteFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:jobs_jobposting_changelist")
DONGGUAN = "441900"
NANBU = "511321"


def staff_in(client: Client, code: str = DONGGUAN) -> User:
    staff = StaffFactory(home_region=county(code))
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="jobs", codename__in=["view_jobposting", "change_jobposting"]
        )
    )
    client.force_login(staff)
    return staff


def submitted(**fields) -> JobPosting:
    return PostingFactory(status=JobPosting.Status.SUBMITTED, published_at=None, **fields)


def act(client: Client, action: str, postings: list[JobPosting], note: str = ""):
    data = {"action": action, "_selected_action": [p.pk for p in postings], "note": note, "index": 0}
    return client.post(CHANGELIST, data, follow=True)


def test_staff_see_only_postings_in_their_region(client):
    staff_in(client)
    here = submitted(title="东莞普工")
    away = submitted(site=SiteFactory(county=county(NANBU)), title="南部县岗位")

    page = client.get(CHANGELIST).content.decode()

    assert here.title in page
    assert away.title not in page
    assert client.get(reverse("admin:jobs_jobposting_change", args=[away.pk])).status_code == 404


def test_the_flagged_filter_lists_only_postings_the_rules_flagged(client):
    staff_in(client)
    flagged = submitted(
        title="带标记岗位", review_flags=[{"code": "fee_wording", "field": "description", "message": "m"}]
    )
    clean = submitted(title="无标记岗位")

    page = client.get(CHANGELIST, {"flagged": "yes"}).content.decode()

    assert flagged.title in page
    assert clean.title not in page


def test_the_change_page_shows_the_flags_read_only(client):
    staff_in(client)
    posting = submitted(review_flags=[{"code": "fee_wording", "field": "description", "message": "提到工装费"}])

    page = client.get(reverse("admin:jobs_jobposting_change", args=[posting.pk])).content.decode()

    assert "提到工装费" in page
    assert 'name="title"' not in page


def test_approve_and_publish(client, django_capture_on_commit_callbacks):
    staff = staff_in(client)
    posting = submitted()

    with django_capture_on_commit_callbacks(execute=False):
        page = act(client, "approve_postings", [posting]).content.decode()

    assert "1 posting published." in page
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    assert posting.approved_by == staff
    assert OutboxEvent.objects.get().topic == "posting.published"


def test_sending_back_needs_a_note_and_returns_a_draft(client):
    staff_in(client)
    posting = submitted()

    page = act(client, "send_back_postings", [posting]).content.decode()
    assert "Write a note saying what to change" in page
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.SUBMITTED

    page = act(client, "send_back_postings", [posting], note="请写明加班费").content.decode()
    assert "1 posting sent back." in page
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.DRAFT
    assert posting.review_flags[0]["message"] == "请写明加班费"


def test_a_posting_not_waiting_for_the_bureau_is_skipped(client):
    staff_in(client)
    posting = PostingFactory(status=JobPosting.Status.CLOSED)

    page = act(client, "approve_postings", [posting]).content.decode()

    assert "1 posting skipped" in page
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.CLOSED
