"""Entry pages on a 360 px phone: every control labelled, every target at least 44 px tall."""

import pytest
from playwright.sync_api import Page

CONTROLS = "button:visible, input:not([type=hidden]):visible, select:visible, a.button:visible, nav a:visible"


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_controls_are_labelled_and_big_enough_to_tap(page: Page, url):
    page.goto(url)
    controls = page.locator(CONTROLS)
    assert controls.count() > 0
    for index in range(controls.count()):
        control = controls.nth(index)
        box = control.bounding_box()
        assert box is not None
        name = control.evaluate("el => el.outerHTML.slice(0, 80)")
        assert box["height"] >= 44, f"{name} is {box['height']} px tall"
        tag = control.evaluate("el => el.tagName")
        if tag in {"INPUT", "SELECT"}:
            assert control.evaluate("el => el.labels.length") > 0, f"{name} has no label"


def test_keyboard_focus_is_visible(page: Page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
