"""The agent console in a real browser: search as you type, copy a reply, keyboard only."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browsing import DESKTOP, NewPage, ServerThread, Sites, too_many_requests
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
    assert reply.count(cited.text) == 1  # the answer is the clause: quoted once, not twice
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
    page.route(re.compile(r".*/api/v1/search\?.*"), too_many_requests(9))
    page.keyboard.type("cookies")
    expect(page.locator("#status")).to_contain_text("Too many searches in a minute: wait 9 s")
    page.unroute(re.compile(r".*/api/v1/search\?.*"))
    page.keyboard.type(" login")
    expect(clauses(page).first).to_contain_text("cookie")


# --- issue 14 ---------------------------------------------------------------------------------

SEARCH = re.compile(r".*/api/v1/search\?.*")


def api_requests(page: Page) -> list[str]:
    """Every API request the page sends from now on, as method and URL."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}") if "/api/" in r.url else None)
    return sent


def test_after_a_failed_request_nothing_stale_is_copied(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites, permissions=CLIPBOARD)
    page.keyboard.type("Do you sell my email address?")
    expect(widget_answer(page)).to_contain_text("Answered")
    page.evaluate("navigator.clipboard.writeText('what the agent had')")

    page.route(SEARCH, too_many_requests(9))
    search_box(page).fill("Can I delete my account?")  # another customer's question
    status = page.locator("#status")
    expect(status).to_contain_text("Too many searches in a minute")
    expect(status).to_contain_text("out of date")
    expect(page.locator("#results")).to_have_class(re.compile(r"\bstale\b"))
    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_contain_text("Not copied")
    assert clipboard(page) == "what the agent had"  # not the previous customer's reply
    widget_answer(page).click()  # nor by a click on the old answer
    expect(page.locator("#toast")).to_contain_text("Not copied")
    assert clipboard(page) == "what the agent had"

    page.unroute(SEARCH)
    page.keyboard.press("Enter")  # it works again: up-to-date results, then the copy
    expect(page.locator("#toast")).to_contain_text("Reply copied")
    expect(page.locator("#results")).not_to_have_class(re.compile(r"\bstale\b"))
    assert "Do you sell" not in page.locator("#status").inner_text()
    assert clipboard(page) != "what the agent had"


def test_a_fast_typist_never_meets_the_rate_limit(
    new_page: NewPage, serve_app: Callable[..., ServerThread], sites: Sites
) -> None:
    """Two customer questions typed at 170 ms a key against the default limits: used to send
    a search and an answer per key and run into 429 after about 12 s."""
    api = serve_app()  # the default settings: rate limits on
    page = new_page(DESKTOP, permissions=CLIPBOARD)
    page.goto(f"{api.origin()}/agent")
    expect(search_box(page)).to_be_focused()
    sent = api_requests(page)
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 429 else None)
    first = "Hi, do you sell my email address to other companies?"
    second = "And how do you protect my credit card details?"
    page.keyboard.type(first, delay=170)
    expect(widget_answer(page)).to_contain_text("Answered")
    search_box(page).select_text()
    page.keyboard.type(second, delay=170)
    expect(page.locator("#status")).to_contain_text(f"match “{second}”")
    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_contain_text("Reply copied")
    assert refused == []
    keys = len(first) + len(second)
    # At most one search per 300 ms of typing, plus one with the answer per pause: about half
    # a request a key, where there were two.
    assert len(sent) <= 0.6 * keys, f"{len(sent)} requests for {keys} keys"
    assert all(" /api/v1/ask" not in r for r in sent)  # one request brings clauses and answer


def test_the_answer_shows_its_clause_once(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites)
    page.keyboard.type("Do you sell my email address?")
    answer = widget_answer(page)
    expect(answer).to_contain_text("Answered")
    cited = next(c for c in sites.engine.policy.clauses if "not selling our" in c.text)
    assert answer.inner_text().count(cited.text) == 1
    expect(answer.locator("blockquote")).to_have_text(cited.text)
    expect(answer.locator(".item-text")).to_have_text("No.")


def test_one_letter_waits_for_a_second(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites)
    sent = api_requests(page)
    page.keyboard.type("c")
    expect(page.locator("#hint")).to_contain_text("at least two letters")
    page.wait_for_timeout(800)  # past the pause that brings the answer: still nothing sent
    assert sent == []
    expect(page.get_by_role("option")).to_have_count(0)
    expect(page.get_by_text("Out of scope")).to_have_count(0)
    expect(page.locator("#status")).not_to_contain_text("match")
    page.keyboard.type("o")
    expect(clauses(page).first).to_be_visible()
    assert sent


def test_the_selected_result_opens_in_the_policy(new_page: NewPage, sites: Sites) -> None:
    page = open_console(new_page, sites)
    page.keyboard.type("credit card")
    expect(widget_answer(page)).to_have_count(1)
    page.keyboard.press("ArrowDown")
    selected = page.locator("[role=option][aria-selected=true]")
    link = page.get_by_role("link", name=re.compile(r"^Open clause \d+ in the policy"))
    position = re.search(r"Clause (\d+)", selected.inner_text(), re.I)
    assert position is not None
    expect(link).to_contain_text(f"clause {position.group(1)}")
    clause = sites.engine.policy.clauses[int(position.group(1)) - 1]
    expect(link).to_have_attribute("href", f"{sites.api}/policy#{clause.id}")
