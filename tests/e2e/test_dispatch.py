"""From a confirmed offer to the factory gate: the trip is planned by itself, the worker shows the boarding code,
a clerk scans it, the employer checks the worker in, and the worker re-confirms the offer sheet."""

import pytest
from playwright.sync_api import Page, expect

from config.celery import app
from dispatch.models import Passenger, Trip
from matching.models import Offer
from matching.services import offers, runs
from tests.accounts.factories import StaffFactory, county
from tests.dispatch.factories import coordinates
from tests.e2e.session import log_in
from tests.jobs.factories import MemberFactory, PostingFactory
from tests.matching.factories import skilled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_tasks():
    """Tasks run in the web process as they are sent: the outbox hands `offer.confirmed` to dispatch at once."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_confirmed_worker_rides_the_planned_trip_and_is_checked_in_at_the_gate(
    page: Page, live_server, eager_tasks, vehicles
):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    coordinates("530627", 27.44, 104.87)
    coordinates("441900", 23.02, 113.75)
    posting = PostingFactory(title="电子厂普工", headcount=5)
    worker = skilled(hukou_county=county("530627"))
    runs.run_for_worker(worker_id=worker.pk)
    offer = Offer.objects.get(worker=worker)
    offers.offer_accept(worker=worker, offer_id=offer.pk)

    # The employer confirms; nobody presses a button to plan the trip.
    member = MemberFactory(employer=posting.employer)
    log_in(page, live_server, member.user, language="en")
    page.goto(f"{live_server.url}/employer/postings/{posting.pk}/candidates/")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed. The worker is told to come on the start date.")).to_be_visible()
    seat = Passenger.objects.select_related("trip", "stop").get(offer=offer)

    # The worker opens the trip from the home page and finds the pickup, the seat and the boarding code.
    log_in(page, live_server, worker.user, language="zh-hans")
    page.goto(f"{live_server.url}/workers/me/")
    page.get_by_role("link", name="我的行程和乘车码").click()
    expect(page.get_by_text(seat.stop.place).first).to_be_visible()
    qr = page.locator("svg").first
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200
    code = page.locator("code").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"

    # A clerk of the home county scans it (the camera opens the code's address) and marks the worker on board.
    clerk = StaffFactory(home_region=county("530627"))
    log_in(page, live_server, clerk, language="en")
    page.goto(f"{live_server.url}/trips/board/{code}/")
    page.get_by_role("button", name="Mark on board").click()
    expect(page.get_by_text("On board", exact=False).first).to_be_visible()
    assert Passenger.objects.get(pk=seat.pk).boarded_by == clerk

    # At the gate the employer checks the worker in.
    log_in(page, live_server, member.user, language="en")
    page.goto(f"{live_server.url}/employer/trips/")
    page.get_by_role("link", name=posting.site.name).first.click()
    page.get_by_role("button", name="Arrived").click()
    expect(page.get_by_text("Arrived", exact=False).first).to_be_visible()
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PLACED
    assert Trip.objects.get(pk=seat.trip_id).status == Trip.Status.ARRIVED

    # The worker re-confirms the offer sheet: the wage is not what was offered.
    log_in(page, live_server, worker.user, language="zh-hans")
    page.goto(f"{live_server.url}/workers/me/")
    page.get_by_role("link", name="核对录用通知").click()
    page.get_by_label("不一样，有不符的地方").check()
    page.get_by_label("哪里不符？").fill("工资比说好的少500元")
    page.get_by_role("button", name="提交我的答复").click()
    expect(page.get_by_text("工资比说好的少500元")).to_be_visible()
    assert Passenger.objects.get(pk=seat.pk).terms_differ
    assert violations == []
