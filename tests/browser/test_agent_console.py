"""The agent console in a real browser: search as you type, copy a reply, keyboard only."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browsing import DESKTOP, NewPage, Sites
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

CLIPBOARD = ["clipboard-read", "clipboard-write"]


def open_console(new_page: NewPage, sites: Sites, **options: object) -> Page:
    page = new_page(DESKTOP, **options)
    page.goto(f"{sites.api}/agent")
    expect(search_box(page)).to_be_focused()  # ready to type, no click needed
    return page


def search_box(page: Page) -> Locator:
    return page.get_by_role("combobox", name=re.compile("Search the policy"))


def clauses(page: Page) -> Locator:
    return page.get_by_role("group", name="Matching clauses").get_by_role("option")


def widget_answer(page: Page) -> Locator:
    return page.get_by_role("group", name="The widget's answer").get_by_role("option")


def clipboard(page: Page) -> str:
    return str(page.evaluate("navigator.clipboard.readText()"))


def test_results_update_as_the_agent_types(
    new_page: NewPage, sites: Sites, docs_screenshot: Callable[[Page, str], None]
) -> None:
    page = open_console(new_page, sites)
    expect(clauses(page)).to_have_count(0)

    page.keyboard.type("co")  # two keystrokes find clauses
    expect(clauses(page).first).to_be_visible()
    expect(clauses(page).first.locator("mark").first).to_be_visible()

    page.keyboard.type("okie")
    top = clauses(page).first
    expect(top).to_contain_text("cookie")
    expect(top.locator("mark").first).to_have_text(re.compile(r"^cookies?$", re.I))
    expect(top).to_contain_text(re.compile(r"score \d\.\d\d"))
    expect(widget_answer(page)).to_have_count(1)

    search_box(page).fill("")
    page.keyboard.type("Do you sell my email address?")
    answer = widget_answer(page)
    expect(answer).to_contain_text("Answered")
    expect(answer).to_contain_text("not selling our customers' email addresses")
    expect(clauses(page).first.locator("mark", has_text="email").first).to_be_visible()
    expect(answer).to_have_attribute("aria-selected", "true")
    page.set_viewport_size({"width": 1280, "height": 1000})
    docs_screenshot(page, "agent-console.png")


def test_one_click_copies_a_ready_reply(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites, permissions=CLIPBOARD)
    page.keyboard.type("Do you sell my email address?")
    cited = next(c for c in sites.engine.policy.clauses if "not selling our" in c.text)
    link = f"{sites.api}/policy#{cited.id}"

    answer = widget_answer(page)
    expect(answer).to_contain_text("Answered")
    answer.locator(".item-text").click()
    expect(page.locator("#toast")).to_contain_text("copied")
    reply = clipboard(page)
    assert reply.startswith("No. We have a strict policy")
    assert f"“{cited.text}”" in reply
    assert reply.rstrip().endswith(link)

    other = clauses(page).nth(1)
    text = other.locator(".item-text").inner_text()
    other.locator(".item-text").click()
    expect(other).to_have_attribute("aria-selected", "true")
    reply = clipboard(page)
    assert f"“{text}”" in reply
    assert re.search(rf"{re.escape(sites.api)}/policy#[a-z0-9-]+$", reply)


def test_keyboard_only_arrows_and_enter(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites, permissions=CLIPBOARD)
    page.keyboard.type("credit card")
    options = page.get_by_role("option")
    expect(options.nth(3)).to_be_visible()
    selected = page.locator("[role=option][aria-selected=true]")
    expect(selected).to_have_count(1)
    ids = options.evaluate_all("els => els.map(e => e.id)")
    start = ids.index(selected.get_attribute("id"))

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(selected).to_have_attribute("id", ids[start + 1])
    expect(search_box(page)).to_have_attribute("aria-activedescendant", ids[start + 1])
    expect(search_box(page)).to_be_focused()
    text = selected.locator(".item-text").inner_text()

    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_contain_text("copied")
    reply = clipboard(page)
    assert text in reply
    assert f"{sites.api}/policy#" in reply

    page.keyboard.press("Escape")
    expect(search_box(page)).to_have_value("")
    expect(options).to_have_count(0)
    page.keyboard.type("cr")
    expect(clauses(page).first).to_contain_text("credit")


def test_a_rate_limit_is_said_in_words(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites)
    page.route(
        re.compile(r".*/api/v1/search\?.*"),
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "9"},
            content_type="application/problem+json",
            body='{"type": "/problems/too-many-requests", "title": "Too Many Requests",'
            ' "status": 429, "detail": "Slow down."}',
        ),
    )
    page.keyboard.type("cookies")
    expect(page.locator("#status")).to_contain_text("Too many searches in a minute: wait 9 s")
    page.unroute(re.compile(r".*/api/v1/search\?.*"))
    page.keyboard.type(" login")
    expect(clauses(page).first).to_contain_text("cookie")
