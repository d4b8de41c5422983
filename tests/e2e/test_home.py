import re

from playwright.sync_api import Page, expect


def test_home_page_speaks_chinese_first_and_switches_to_english(page: Page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("家门口的好工作")
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs that come to your county")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_pages_load_no_inline_script_and_raise_no_csp_violation(page: Page):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    assert violations == []
