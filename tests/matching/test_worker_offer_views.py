"""A worker's offers: the list, the offer sheet with its reasons, accepting and declining, the home card."""

import html
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistedAction, User
from matching.models import Offer
from tests.accounts.factories import AgentFactory, county
from tests.jobs.factories import PostingFactory, SiteFactory
from tests.matching.factories import OfferFactory
from tests.test_page_weight import BUDGET, page_weight
from tests.workers.factories import WorkerProfileFactory
from workers.models import Worker

pytestmark = pytest.mark.django_db

OFFERS = reverse("matching:offers")


@pytest.fixture
def worker(client) -> Worker:
    worker = WorkerProfileFactory(user__phone="13812345678", real_name="张伟")
    client.force_login(worker.user)
    return worker


@pytest.fixture
def offer(worker) -> Offer:
    site = SiteFactory(county=county("440307"))
    return OfferFactory(worker=worker, posting=PostingFactory(title="电子厂普工", site=site, employer=site.employer))


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def act_for(client: Client, actor: User, worker: Worker) -> None:
    grant = services.assistance_start(
        actor=actor, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-2026-001"
    )
    client.force_login(actor)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()


# Seeing offers ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(OFFERS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_worker_sees_their_own_offer_with_the_reasons(client, offer):
    page = text(client.get(reverse("matching:offer", args=[offer.pk])))

    assert "电子厂普工" in page
    assert offer.posting.employer.name in page
    assert "Why this job" in page
    assert "About 4,750 yuan a month after deductions" in page
    assert "Housing provided: worth about 300 yuan a month" in page
    assert "You chose Guangdong Sheng" in page
    assert "Accept this job" in page


def test_the_offer_sheet_shows_pay_deductions_and_net(client, offer):
    page = text(client.get(reverse("matching:offer", args=[offer.pk])))

    assert "Dormitory deduction" in page
    assert "Net monthly pay" in page
    assert f"{offer.posting.net_monthly} yuan" in page


def test_the_offer_sheet_weighs_under_60_kb_with_all_assets(client, offer):
    total, sizes = page_weight(client, reverse("matching:offer", args=[offer.pk]))

    assert total < BUDGET, sizes


def test_another_workers_offer_is_not_found(client, worker):
    other = OfferFactory()

    assert client.get(reverse("matching:offer", args=[other.pk])).status_code == 404
    assert client.post(reverse("matching:offer_accept", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == Offer.Status.PROPOSED


def test_the_list_shows_live_offers_before_history(client, worker):
    old = OfferFactory(worker=worker, status=Offer.Status.DECLINED, posting__title="旧工作")
    live = OfferFactory(worker=worker, posting__title="新工作")
    old.created_at = timezone.now()
    old.save(update_fields=["created_at"])

    page = text(client.get(OFFERS))

    assert page.index(live.posting.title) < page.index(old.posting.title)


def test_without_offers_the_list_says_so(client, worker):
    assert "No offers yet." in text(client.get(OFFERS))


def test_the_offer_sheet_names_group_members_masked_and_never_their_phones(client, offer):
    group = uuid.uuid4()
    Offer.objects.filter(pk=offer.pk).update(group=group)
    member = OfferFactory(
        group=group, posting=offer.posting, worker__real_name="李强", worker__user__phone="13987654321"
    )

    page = text(client.get(reverse("matching:offer", args=[offer.pk])))

    assert "李**" in page
    assert "李强" not in page
    assert "13987654321" not in page and member.worker.user.masked_phone not in page


def test_an_agent_with_a_grant_sees_the_workers_offer(client, offer, worker):
    act_for(client, AgentFactory(), worker)

    assert "电子厂普工" in text(client.get(reverse("matching:offer", args=[offer.pk])))


def test_an_agent_accepting_for_the_worker_is_recorded_in_the_workers_audit_trail(client, offer, worker):
    agent = AgentFactory()
    act_for(client, agent, worker)

    client.post(reverse("matching:offer_accept", args=[offer.pk]))

    action = AssistedAction.objects.get()
    assert (action.action, action.grant.actor) == ("offer.accept", agent)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ACCEPTED


# Answering --------------------------------------------------------------------------


def test_accepting_makes_the_offer_accepted(client, offer):
    response = client.post(reverse("matching:offer_accept", args=[offer.pk]), follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert "You accepted the offer." in messages_of(response)[0]


def test_accepting_after_the_deadline_is_refused_and_changes_nothing(client, offer):
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(reverse("matching:offer_accept", args=[offer.pk]), follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.PROPOSED
    assert messages_of(response) == ["The time to answer this offer has run out."]


def test_declining_without_a_reason_is_refused_and_changes_nothing(client, offer):
    response = client.post(reverse("matching:offer_decline", args=[offer.pk]), {"reason": ""}, follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.PROPOSED
    assert messages_of(response) == ["Choose a reason from the list."]


def test_declining_with_a_reason_makes_the_offer_declined(client, offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("matching:offer_decline", args=[offer.pk]), {"reason": "family"}, follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert offer.decline_reason == Offer.DeclineReason.FAMILY
    assert "You said no to this offer." in messages_of(response)[0]


def test_a_get_to_accept_is_not_allowed(client, offer):
    assert client.get(reverse("matching:offer_accept", args=[offer.pk])).status_code == 405


# Home card --------------------------------------------------------------------------


def test_the_home_card_shows_a_live_offer_with_pay_and_a_link(client, offer):
    page = text(client.get(reverse("workers:dashboard")))

    assert "电子厂普工" in page
    assert f"{offer.posting.net_monthly} yuan a month after deductions" in page
    assert reverse("matching:offer", args=[offer.pk]) in page
    assert "No offers yet." not in page


def test_the_home_card_leaves_out_ended_offers(client, worker):
    OfferFactory(worker=worker, status=Offer.Status.DECLINED, posting__title="旧工作")

    page = text(client.get(reverse("workers:dashboard")))

    assert "旧工作" not in page
    assert "No offers yet." in page


def test_the_chinese_offer_sheet_shows_translated_headings(worker, offer):
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(worker.user)

    page = text(chinese.get(reverse("matching:offer", args=[offer.pk])))

    assert page.count("为什么推荐这个岗位") == 1
    assert "不去了" in page
