"""A worker matched in the background finds the offer on a phone, reads why, accepts; the employer confirms."""

import pytest
from playwright.sync_api import Page, expect

from matching.models import Offer
from matching.services import runs
from tests.e2e.session import log_in
from tests.jobs.factories import MemberFactory, PostingFactory
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_accepts_a_matched_offer_in_chinese_and_the_employer_confirms_it(page: Page, live_server):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    posting = PostingFactory(title="电子厂普工", headcount=2, expected_monthly=5600)
    worker = skilled(years=4)
    runs.run_for_worker(worker_id=worker.pk)
    offer = Offer.objects.get(worker=worker)

    log_in(page, live_server, worker.user, language="zh-hans")
    page.goto(f"{live_server.url}/workers/me/")
    page.get_by_role("link", name="电子厂普工").click()
    expect(page.get_by_role("heading", name="为什么推荐这个岗位")).to_be_visible()
    expect(page.get_by_text(f"{posting.net_monthly}", exact=False).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    page.get_by_role("button", name="接受这个岗位").click()
    expect(page.get_by_text("务工人员已接受")).to_be_visible()

    member = MemberFactory(employer=posting.employer)
    log_in(page, live_server, member.user, language="en")
    page.goto(f"{live_server.url}/employer/postings/{posting.pk}/candidates/")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed. The worker is told to come on the start date.")).to_be_visible()

    offer.refresh_from_db()
    assert offer.status == Offer.Status.CONFIRMED
    assert violations == []
