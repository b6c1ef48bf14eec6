"""The demo page in a real browser: its examples ask the widget, its snippets show whole."""

from __future__ import annotations

import pytest
from browsing import DESKTOP, PHONE_390, NewPage, Sites, Widget
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["desktop", "phone"])
def test_try_asking_examples_ask_the_widget(
    new_page: NewPage, widget: type[Widget], sites: Sites, viewport: dict[str, int]
) -> None:
    page = new_page(viewport)
    page.goto(f"{sites.api}/")
    w = widget(page)
    examples = page.locator(".try").get_by_role("button")
    expect(examples).not_to_have_count(0)
    question = examples.first.get_attribute("data-policy-qa-ask")
    assert question
    examples.first.click()
    expect(w.dialog).to_be_visible()
    expect(w.visitor_rows().last).to_have_text(f"You: {question}")
    expect(w.replies).to_have_count(2)  # the greeting, then the answer
    expect(w.replies.last).to_have_attribute("data-status", "answered")
    expect(w.box).to_be_focused()

    if viewport is DESKTOP:  # and from the keyboard, while the panel is open
        last = examples.last
        last.focus()
        page.keyboard.press("Enter")
        expect(w.visitor_rows().last).to_contain_text(str(last.get_attribute("data-policy-qa-ask")))
        expect(w.replies).to_have_count(3)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["desktop", "phone"])
def test_embed_snippets_are_shown_whole(
    new_page: NewPage, sites: Sites, viewport: dict[str, int]
) -> None:
    page = new_page(viewport)
    page.goto(f"{sites.api}/")
    snippets = page.locator("pre")
    expect(snippets).to_have_count(2)
    for n in range(2):
        snippet = snippets.nth(n)
        expect(snippet).to_contain_text('/widget.js" async></script>')  # the whole tag
        # Nothing hidden behind a scroll bar: all of it shows.
        assert snippet.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert snippet.evaluate("el => getComputedStyle(el).overflowX") == "visible"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
