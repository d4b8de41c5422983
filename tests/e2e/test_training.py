"""A worker who lacks the trade jobs ask for finds a recommended course on the phone and enrols."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.session import log_in
from tests.jobs.factories import PostingFactory, occupation
from tests.matching.factories import skilled
from tests.training.factories import course_of, provider_member
from training.models import Enrollment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "enrol", "enrolled"),
    [
        ("en", "Enrol on this course", "Enrolled"),
        ("zh-hans", "报名这门课程", "已报名"),
    ],
)
def test_a_worker_finds_a_recommended_course_and_enrols(page: Page, live_server, language, enrol, enrolled):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    PostingFactory(occupation=occupation("injection_moulder"), headcount=30, expected_monthly=6800)
    course = course_of(provider_member(), trade="injection_moulder", title="注塑工订单班")
    worker = skilled(trade="welder")

    log_in(page, live_server, worker.user, language=language)
    page.goto(f"{live_server.url}/workers/me/")
    page.get_by_role("link", name="注塑工订单班").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    page.get_by_role("button", name=enrol).click()

    expect(page.get_by_text(enrolled).first).to_be_visible()
    assert Enrollment.objects.get(course=course, worker=worker).status == Enrollment.Status.ENROLLED
    assert violations == []
