"""The group step through the pages: start a group, invite by text message, the invitee answers, leave."""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import pii
from accounts.models import SmsMessage
from tests.accounts.factories import WorkerFactory
from tests.workers.factories import WorkerProfileFactory
from workers.models import CohortMember, Worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_reference_data")]

GROUP = reverse("workers:signup_group")
INVITEE_PHONE = "13712345678"


@pytest.fixture
def eager():
    # Committed events go to Celery; run them in-process instead of a broker.
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def creator():
    return WorkerProfileFactory(real_name="张伟", user__phone="13800138000", signup_step=Worker.SignupStep.GROUP)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_group_page_says_the_group_goes_together_and_offers_to_skip(creator):
    page = _text(_client(creator.user).get(GROUP))

    assert "Chunfeng places a group together or not at all" in page
    assert "Skip this step" in page
    assert 'name="name"' in page


def test_starting_a_group_lists_the_creator_as_confirmed_with_a_masked_phone(creator):
    client = _client(creator.user)

    response = client.post(GROUP, {"action": "create", "name": "Zhang family"}, follow=True)

    page = _text(response)
    assert "Your group: Zhang family" in page
    assert "138****8000 (you)" in page
    assert "13800138000" not in page
    assert re.search(r"<td>Confirmed</td>", page)
    assert 'name="phone"' in page


def test_invite_then_the_invitee_logs_in_and_confirms(creator, django_capture_on_commit_callbacks, eager):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GROUP, {"action": "invite", "phone": "+86 137 1234 5678"}, follow=True)

    assert "Invitation sent by text message to 137****5678." in _text(response)
    assert "<td>Invited</td>" in _text(response)
    message = SmsMessage.objects.get(phone_hash=pii.keyed_hash(INVITEE_PHONE, purpose="phone"))
    link = re.search(r"/workers/groups/invitations/\d+/", message.body).group()

    invitee = _client(WorkerFactory(phone=INVITEE_PHONE))
    assert link in _text(invitee.get(reverse("workers:signup"), follow=True))
    page = _text(invitee.get(link))
    assert "张 (138****8000) invites you to the group “Zhang family”" in page
    assert "张伟" not in page
    response = invitee.post(link, {"answer": "accept"})

    assert response["Location"] == reverse("workers:signup")
    member = CohortMember.objects.get(phone_hash=pii.keyed_hash(INVITEE_PHONE, purpose="phone"))
    assert member.status == CohortMember.Status.CONFIRMED
    assert member.worker.user.phone == INVITEE_PHONE
    assert "Your answer: Confirmed." in _text(invitee.get(link))


def test_the_invitee_may_say_no(creator):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})
    client.post(GROUP, {"action": "invite", "phone": INVITEE_PHONE})
    member = CohortMember.objects.get(status=CohortMember.Status.INVITED)

    _client(WorkerFactory(phone=INVITEE_PHONE)).post(
        reverse("workers:cohort_invitation", args=[member.pk]), {"answer": "decline"}
    )

    member.refresh_from_db()
    assert member.status == CohortMember.Status.DECLINED


def test_a_bad_phone_is_refused_next_to_the_field_and_kept(creator):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})

    page = _text(client.post(GROUP, {"action": "invite", "phone": "137 1234"}))

    assert re.search(r'id="id_phone_error"><li>Enter a mainland China mobile number: 11 digits starting with 1\.', page)
    assert 'value="137 1234"' in page
    assert not SmsMessage.objects.exists()


def test_inviting_ones_own_number_is_refused(creator):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})

    page = _text(client.post(GROUP, {"action": "invite", "phone": "13800138000"}))

    assert "That is your own number." in page


def test_a_member_can_leave_and_start_again(creator):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})

    page = _text(client.post(GROUP, {"action": "leave"}, follow=True))

    assert "You have left the group Zhang family." in page
    assert 'name="name"' in page
    assert CohortMember.objects.get().status == CohortMember.Status.LEFT


def test_continuing_with_a_group_goes_to_the_last_step(creator):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})

    response = client.post(GROUP, {"action": "continue"})

    assert response["Location"] == reverse("workers:signup_poor_labourer")


def test_the_group_page_costs_the_same_queries_for_two_members_or_ten(creator):
    client = _client(creator.user)
    client.post(GROUP, {"action": "create", "name": "Zhang family"})
    client.post(GROUP, {"action": "invite", "phone": "13700000001"})
    with CaptureQueriesContext(connection) as few:
        client.get(GROUP)
    for n in range(2, 10):
        client.post(GROUP, {"action": "invite", "phone": f"1370000000{n}"})

    with CaptureQueriesContext(connection) as many:
        page = _text(client.get(GROUP))

    assert page.count("<td>Invited</td>") == 9
    assert len(many) == len(few)
