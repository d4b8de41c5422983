"""A worker signs up in Chromium on a 360 px phone, in Chinese, from the login page to their own page.

The page speaks Chinese, so controls are found by name, never by English label text.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts import pii
from accounts.models import SmsMessage, User
from tests.workers.factories import id_number
from workers.models import Worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("real_reference_data")]

PHONE = "13800138555"
# What a thumb can hit: inputs, lists and buttons, and the labels of boxes to tick.
TARGETS = "main button:visible, main select:visible, main input:not([type=hidden],[type=checkbox],[type=radio]):visible"


def _code_sent_to(phone: str) -> str:
    message = SmsMessage.objects.filter(phone_hash=pii.keyed_hash(phone, purpose="phone")).first()
    assert message is not None
    return re.search(r"\d{6}", message.body).group()


def _targets_are_labelled_and_big_enough(page: Page) -> None:
    controls = page.locator(TARGETS)
    for index in range(controls.count()):
        control = controls.nth(index)
        name = control.evaluate("el => el.outerHTML.slice(0, 80)")
        assert control.bounding_box()["height"] >= 44, name
        if control.evaluate("el => el.tagName") in {"INPUT", "SELECT"}:
            assert control.evaluate("el => el.labels.length") > 0, f"{name} has no label"
    boxes = page.locator("main label:has(input[type=checkbox]), main label:has(input[type=radio])")
    for index in range(boxes.count()):
        assert boxes.nth(index).bounding_box()["height"] >= 44


def _save(page: Page) -> None:
    page.locator("main button.button[type=submit]:visible").click()


def test_a_worker_signs_up_in_chinese_from_an_empty_database_to_their_page(page: Page):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    # Step 1: phone and code.
    page.goto("/accounts/login/?next=/workers/signup/")
    page.locator("input[name=phone]").fill("138 0013 8555")
    page.locator("button[name=action][value=send]").click()
    page.locator("input[name=code]").fill(_code_sent_to(PHONE))
    page.locator("button[name=action][value=verify]").click()

    # Step 2: identity and consent.
    expect(page).to_have_url(re.compile(r"/workers/signup/identity/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _targets_are_labelled_and_big_enough(page)
    page.locator("input[name=real_name]").fill("李秀英")
    page.locator("input[name=id_number]").fill(id_number())
    page.locator("input[name=consent_processing]").check()
    _save(page)
    # The sharing consent was left out: the page comes back with the name and number as typed.
    expect(page.locator("#id_consent_sharing_error")).to_be_visible()
    expect(page.locator("input[name=real_name]")).to_have_value("李秀英")
    expect(page.locator("input[name=id_number]")).to_have_value(id_number())
    page.locator("input[name=consent_sharing]").check()
    _save(page)

    # Step 3: home county through the region picker, filled without a round trip.
    expect(page).to_have_url(re.compile(r"/workers/signup/home/$"))
    page.locator("select[name=hukou_county_0]").select_option("530000")
    page.locator("select[name=hukou_county_1]").select_option("530600")
    page.locator("select[name=hukou_county_2]").select_option("530627")
    _targets_are_labelled_and_big_enough(page)
    _save(page)

    # Step 4: work.
    expect(page).to_have_url(re.compile(r"/workers/signup/work/$"))
    page.locator("select[name=skills-0-group]").select_option("construction")
    page.locator("button[name=_show_occupations]").click()
    page.locator("select[name=skills-0-occupation]").select_option("bricklayer")
    page.locator("input[name=skills-0-years]").fill("6")
    page.locator("select[name=education]").select_option("junior")
    page.locator("input[name=destinations][value=provinces]").check()
    page.locator("select[name=provinces_0]").select_option("440000")
    page.locator("select[name=provinces_1]").select_option("330000")
    page.locator("input[name=min_monthly_wage]").fill("4500")
    page.locator("input[name=available_from]").fill("2027-02-20")
    _targets_are_labelled_and_big_enough(page)
    page.locator("input[name=min_monthly_wage]").press("Enter")

    # Step 5: the group step is skipped.
    expect(page).to_have_url(re.compile(r"/workers/signup/group/$"))
    _targets_are_labelled_and_big_enough(page)
    page.locator("button[name=action][value=continue]").click()

    # Step 6: poor-labourer declaration, then the worker's own page.
    expect(page).to_have_url(re.compile(r"/workers/signup/poor-labourer/$"))
    page.locator("input[name=declared][value=no]").check()
    _save(page)
    expect(page).to_have_url(re.compile(r"/workers/me/$"))

    worker = Worker.objects.get(user=User.objects.get(phone_hash=pii.keyed_hash(PHONE, purpose="phone")))
    assert worker.signup_complete
    assert (worker.real_name, worker.hukou_county_id, worker.min_monthly_wage) == ("李秀英", "530627", 4500)
    assert list(worker.skills.values_list("occupation__code", "years")) == [("bricklayer", 6)]
    assert list(worker.destination_choices.values_list("province_id", flat=True)) == ["440000", "330000"]
    assert worker.consent_processing_at is not None and worker.consent_sharing_at is not None
    assert violations == []


def test_without_javascript_the_home_step_walks_down_the_lists_and_saves(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/?next=/workers/signup/")
        page.locator("input[name=phone]").fill(PHONE)
        page.locator("button[name=action][value=send]").click()
        page.locator("input[name=code]").fill(_code_sent_to(PHONE))
        page.locator("button[name=action][value=verify]").click()
        page.locator("input[name=real_name]").fill("李秀英")
        page.locator("input[name=id_number]").fill(id_number())
        page.locator("input[name=consent_processing]").check()
        page.locator("input[name=consent_sharing]").check()
        _save(page)

        page.locator("select[name=hukou_county_0]").select_option("530000")
        page.locator("button[name=_region_refresh][value=hukou_county]").click()
        page.locator("select[name=hukou_county_1]").select_option("530600")
        page.locator("button[name=_region_refresh][value=hukou_county]").click()
        page.locator("select[name=hukou_county_2]").select_option("530627")
        _save(page)

        expect(page).to_have_url(re.compile(r"/workers/signup/work/$"))
        assert Worker.objects.get().hukou_county_id == "530627"
    finally:
        context.close()
