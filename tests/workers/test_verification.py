"""Bureau verification of registered poor labourers: only declarations, only in region, matching told on commit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from outbox import services as outbox_services
from outbox.models import OutboxEvent
from tests.accounts.factories import AgentFactory, StaffFactory, county
from tests.workers.factories import WorkerProfileFactory
from workers.models import Worker
from workers.services import verification
from workers.services.verification import VerificationError, poor_labourer_verify

pytestmark = pytest.mark.django_db

HUKOU = "530627"


@pytest.fixture
def declared() -> Worker:
    return WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.DECLARED)


@pytest.fixture
def staff():
    return StaffFactory(home_region=county(HUKOU))


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """Event ids handed to the broker once their transaction commits."""
    ids: list[int] = []
    monkeypatch.setattr(outbox_services, "event_send", lambda *, event_id: ids.append(event_id) or True)
    return ids


def test_staff_of_the_hukou_county_verify_a_declaration(declared, staff, monkeypatch):
    moment = timezone.now()
    monkeypatch.setattr(verification, "_now", lambda: moment)

    poor_labourer_verify(worker=declared, staff=staff, verified=True, note="与扶贫系统名单一致")

    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.VERIFIED
    assert declared.has_priority is True
    assert (declared.poor_labourer_checked_by, declared.poor_labourer_checked_at) == (staff, moment)
    assert declared.poor_labourer_note == "与扶贫系统名单一致"


def test_a_rejection_records_the_note_and_gives_no_priority(declared, staff):
    poor_labourer_verify(worker=declared, staff=staff, verified=False, note="名单中未找到本户")

    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.REJECTED
    assert declared.has_priority is False
    assert declared.poor_labourer_note == "名单中未找到本户"


def test_a_rejection_without_a_note_is_refused(declared, staff):
    with pytest.raises(VerificationError) as refused:
        poor_labourer_verify(worker=declared, staff=staff, verified=False, note=" ")

    assert refused.value.code == "note_required"
    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.DECLARED


@pytest.mark.parametrize("status", [Worker.PoorLabourer.NO, Worker.PoorLabourer.VERIFIED, Worker.PoorLabourer.REJECTED])
def test_only_a_waiting_declaration_can_be_decided(staff, status):
    worker = WorkerProfileFactory(poor_labourer=status)

    with pytest.raises(VerificationError) as refused:
        poor_labourer_verify(worker=worker, staff=staff, verified=True, note="")

    assert refused.value.code == "not_declared"
    worker.refresh_from_db()
    assert worker.poor_labourer == status
    assert not OutboxEvent.objects.exists()


def test_staff_outside_the_workers_region_may_not_decide(declared):
    with pytest.raises(PermissionDenied):
        poor_labourer_verify(worker=declared, staff=StaffFactory(home_region=county("511321")), verified=True, note="")

    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.DECLARED


def test_prefecture_staff_may_decide_for_their_counties(declared):
    prefecture_staff = StaffFactory(home_region=county(HUKOU).parent)

    poor_labourer_verify(worker=declared, staff=prefecture_staff, verified=True, note="")

    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.VERIFIED


def test_a_village_agent_may_not_verify_even_in_their_county(declared):
    with pytest.raises(PermissionDenied):
        poor_labourer_verify(worker=declared, staff=AgentFactory(home_region=county(HUKOU)), verified=True, note="")


def test_a_worker_without_a_hukou_county_is_reached_only_by_nationwide_staff(staff):
    worker = WorkerProfileFactory(poor_labourer=Worker.PoorLabourer.DECLARED, hukou_county=None)

    with pytest.raises(PermissionDenied):
        poor_labourer_verify(worker=worker, staff=staff, verified=True, note="")
    poor_labourer_verify(worker=worker, staff=StaffFactory(nationwide=True), verified=True, note="")

    worker.refresh_from_db()
    assert worker.poor_labourer == Worker.PoorLabourer.VERIFIED


def test_a_decision_tells_matching_once_it_commits(declared, staff, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        poor_labourer_verify(worker=declared, staff=staff, verified=True, note="")
        event = OutboxEvent.objects.get()
        assert sent == []

    assert event.topic == "worker.changed"
    assert event.payload["worker_id"] == declared.pk
    assert sent == [event.pk]


def test_a_decision_rolled_back_leaves_no_event(declared, staff, sent, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        poor_labourer_verify(worker=declared, staff=staff, verified=True, note="")
        raise RuntimeError("the surrounding work failed")

    assert not OutboxEvent.objects.exists()
    assert sent == []
    declared.refresh_from_db()
    assert declared.poor_labourer == Worker.PoorLabourer.DECLARED
