"""The chat widget in a real browser, used the way a website visitor uses it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from browsing import DESKTOP, PHONE, NewPage, Sites, Widget
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

SELL = "Do you sell my email address?"
SELL_CLAUSE = "not selling our customers' email addresses"
KEEP = "How long do you keep my data?"
WEATHER = "what's the weather"
ASK = "**/api/v1/ask"


def clause_id(sites: Sites, phrase: str) -> str:
    return next(c.id for c in sites.engine.policy.clauses if phrase in c.text)


def luminance(css_color: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def in_widget(page: Page, selector: str) -> int:
    return int(page.evaluate(f"{Widget.ROOT_JS}.querySelectorAll({json.dumps(selector)}).length"))


def test_answer_cites_the_clause_and_opens_it_in_the_policy(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    w = widget(page)
    expect(w.dialog).to_be_hidden()
    w.open()
    expect(w.replies.first).to_contain_text(str(sites.engine.policy.owner))

    held: list[Route] = []
    page.route(ASK, lambda route: held.append(route))
    w.send(SELL)
    typing = page.locator("policy-qa-widget .typing")
    expect(typing).to_be_visible()
    while not held:
        page.wait_for_timeout(20)
    held[0].continue_()
    page.unroute(ASK)

    reply = w.replies.nth(1)
    expect(reply).to_have_attribute("data-status", "answered")
    expect(typing).to_have_count(0)
    expect(reply.locator("blockquote")).to_contain_text(SELL_CLAUSE)
    expect(reply).to_contain_text("No.")
    cited = clause_id(sites, SELL_CLAUSE)
    link = reply.get_by_role("link", name=re.compile("in the privacy statement"))
    expect(link).to_have_attribute("href", f"{sites.api}/policy#{cited}")

    # On a desktop the panel sits in the bottom right corner, above the page.
    box = w.dialog.bounding_box()
    assert box is not None
    assert 340 <= box["width"] <= 420
    assert box["x"] > DESKTOP["width"] / 2
    assert box["y"] + box["height"] <= DESKTOP["height"]

    with page.context.expect_page() as opened:
        link.click()
    policy = opened.value
    policy.wait_for_load_state()
    assert policy.url == f"{sites.api}/policy#{cited}"
    clause = policy.locator(f"[id='{cited}']")
    expect(clause).to_be_in_viewport()
    assert clause.evaluate("el => el.matches(':target')")
    marked = clause.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = policy.locator(".clause:not(:target)").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert marked != plain


def test_fallback_gives_contacts_to_tap_on_a_phone(
    new_page: NewPage,
    widget: type[Widget],
    sites: Sites,
    docs_screenshot: Callable[[Page, str], None],
) -> None:
    page = new_page(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{sites.api}/")
    w = widget(page)
    w.open()
    # On a phone the panel takes the whole screen and the launcher steps aside.
    box = w.dialog.bounding_box()
    assert box == pytest.approx({"x": 0, "y": 0, **PHONE}, abs=1)
    expect(w.launcher).to_be_hidden()

    expect(w.ask(SELL)).to_have_attribute("data-status", "answered")
    reply = w.ask(KEEP)
    expect(reply).to_have_attribute("data-status", "fallback")
    contact = sites.engine.contact
    assert (contact.email, contact.phone) == ("customerservice@paloalto.com", "1-800-605-7057")
    email = reply.get_by_role("link", name=f"Email {contact.email}")
    expect(email).to_have_attribute("href", f"mailto:{contact.email}")
    phone = reply.get_by_role("link", name=f"Call {contact.phone}")
    expect(phone).to_have_attribute("href", "tel:18006057057")
    expect(phone).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    docs_screenshot(page, "widget-phone.png")


def test_out_of_scope_then_a_suggestion_chip(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    w = widget(page)
    w.open()
    chips = page.get_by_role("group", name="Suggested questions")
    expect(chips.get_by_role("button")).not_to_have_count(0)  # the first questions to try

    reply = w.ask(WEATHER)
    expect(reply).to_have_attribute("data-status", "out_of_scope")
    expect(reply).to_contain_text("privacy statement")
    expect(chips).to_have_count(1)  # only the latest reply's suggestions
    chip = chips.get_by_role("button").first
    question = chip.inner_text()
    chip.click()
    expect(page.locator("policy-qa-widget .row.visitor").last).to_contain_text(question)
    expect(w.replies).to_have_count(3)
    expect(w.replies.last).to_have_attribute("data-status", "answered")
    expect(w.replies.last.locator("blockquote")).to_be_visible()


def test_keyboard_only_on_a_phone(new_page: NewPage, widget: type[Widget], sites: Sites) -> None:
    page = new_page(PHONE)
    page.goto(f"{sites.api}/")
    w = widget(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        if w.focused() == "Ask a privacy question":
            break
    else:
        pytest.fail("Tab never reached the widget's launcher")
    page.keyboard.press("Enter")
    expect(w.dialog).to_be_visible()
    expect(w.box).to_be_focused()
    w.greeted()

    page.keyboard.type(SELL)
    page.keyboard.press("Enter")
    expect(w.replies).to_have_count(2)
    expect(w.replies.last).to_have_attribute("data-status", "answered")
    expect(w.box).to_be_focused()

    page.keyboard.press("Shift+Tab")  # back from the box to the last suggestion
    chip = w.focused()
    expect(page.get_by_role("button", name=chip)).to_have_class("chip")
    page.keyboard.press("Enter")
    expect(page.locator("policy-qa-widget .row.visitor").last).to_contain_text(chip)
    expect(w.replies).to_have_count(3)
    expect(w.box).to_be_focused()

    # The panel covers the phone's screen, so Tab goes round inside it (the footer's last
    # line says that questions are kept: insights are on).
    kept = "Questions are kept without personal details to improve answers."
    for expected in ["Send question", "privacy statement", kept, "Close chat"]:
        page.keyboard.press("Tab")
        assert w.focused() == expected
    page.keyboard.press("Shift+Tab")
    assert w.focused() == kept

    page.keyboard.press("Escape")
    expect(w.dialog).to_be_hidden()
    assert w.focused() == "Ask a privacy question"
    page.keyboard.press("Space")
    expect(w.dialog).to_be_visible()
    expect(w.replies).to_have_count(3)  # the conversation is still there


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="window.__xss=1;alert(1)">',
        "<script>window.__xss=2;alert(2)</script>",
        '"><svg onload=alert(3)>&lt;b&gt;',
    ],
    ids=["img", "script", "svg"],
)
def test_typed_markup_is_shown_as_text(
    new_page: NewPage, widget: type[Widget], sites: Sites, payload: str
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    w = widget(page)
    w.open()
    expect(w.ask(payload)).to_be_visible()
    expect(page.locator("policy-qa-widget .row.visitor p")).to_have_text(f"You: {payload}")
    assert page.evaluate("window.__xss") is None
    assert in_widget(page, "img, script, b, .row svg:not([aria-hidden])") == 0


def test_text_from_the_server_is_never_markup(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    evil = '<img src=x onerror="window.__xss=3;alert(3)">'
    body = {
        "status": "fallback",
        "answer": f"{evil} <script>window.__xss=4</script>",
        "citations": [
            {
                "clause_id": 'x"><img src=x onerror="window.__xss=5">',
                "text": evil,
                "section": evil,
                "position": 1,
                "paragraph": 1,
                "sentence": 1,
                "url": "javascript:window.__xss=6",
                "score": 0.5,
            }
        ],
        "confidence": 1,
        "contact": {"email": "javascript:window.__xss=7//@x.y", "phone": "<b>555 0100</b>"},
        "suggestions": [evil],
        "intent": None,
    }
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    page.route(
        ASK,
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(body)
        ),
    )
    w = widget(page)
    w.open()
    reply = w.ask("anything")
    expect(reply).to_contain_text("<script>window.__xss=4</script>")
    expect(reply.locator("blockquote")).to_have_text(evil)
    expect(reply).to_contain_text("<b>555 0100</b>")
    expect(page.get_by_role("button", name=evil)).to_be_visible()
    hrefs = reply.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and not [h for h in hrefs if h.startswith("javascript:")]
    assert all(h.startswith((f"{sites.api}/policy#", "tel:", "mailto:")) for h in hrefs)
    assert page.evaluate("window.__xss") is None
    assert in_widget(page, "img, script, b") == 0


def test_network_error_says_so_and_retries(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    page.route(ASK, lambda route: route.abort("internetdisconnected"))
    w = widget(page)
    w.open()
    reply = w.ask(SELL)
    expect(reply).to_contain_text("couldn't reach the server")
    page.unroute(ASK)
    reply.get_by_role("button", name="Try again").click()
    expect(w.replies.last).to_have_attribute("data-status", "answered")
    expect(page.locator("policy-qa-widget [data-status=error]")).to_have_count(0)
    expect(page.locator("policy-qa-widget .row.visitor")).to_have_count(1)  # not asked twice


def test_too_many_requests_says_so_and_retries(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    problem = {"type": "/problems/too-many-requests", "title": "Too Many Requests", "status": 429}
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    page.route(
        ASK,
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "7"},
            content_type="application/problem+json",
            body=json.dumps(problem),
        ),
    )
    w = widget(page)
    w.open()
    reply = w.ask(SELL)
    expect(reply).to_contain_text("Too many questions")
    expect(reply).to_contain_text("7 seconds")
    page.unroute(ASK)
    reply.get_by_role("button", name="Try again").click()
    expect(w.replies.last).to_have_attribute("data-status", "answered")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_follows_the_colour_scheme(
    new_page: NewPage, widget: type[Widget], sites: Sites, scheme: str
) -> None:
    page = new_page(DESKTOP, color_scheme=scheme)
    page.goto(f"{sites.api}/")
    w = widget(page)
    w.open()
    expect(w.ask(SELL)).to_have_attribute("data-status", "answered")
    panel = luminance(w.dialog.evaluate("el => getComputedStyle(el).backgroundColor"))
    text = luminance(w.box.evaluate("el => getComputedStyle(el).color"))
    if scheme == "dark":
        assert panel < 0.2 < 0.7 < text
    else:
        assert text < 0.3 < 0.9 < panel


def test_embedded_on_another_site_with_hostile_css(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{sites.embed}/")
    w = widget(page)
    # The site's settings: open on load (without taking focus), on the left, its own title.
    expect(w.dialog).to_be_visible()
    assert page.evaluate("document.activeElement === document.body")
    title = page.get_by_role("heading", name="Ask ACME")
    expect(title).to_be_visible()
    box = w.dialog.bounding_box()
    assert box is not None and box["x"] < 100
    # The site's CSS does not reach inside.
    assert title.evaluate("el => getComputedStyle(el).fontSize") == "16px"
    assert title.evaluate("el => getComputedStyle(el).color") != "rgb(255, 0, 0)"
    w.greeted()

    reply = w.ask(SELL)  # cross-origin, through the CORS preflight
    expect(reply).to_have_attribute("data-status", "answered")
    cited = clause_id(sites, SELL_CLAUSE)
    expect(reply.get_by_role("link", name=re.compile("privacy statement"))).to_have_attribute(
        "href", f"{sites.api}/policy#{cited}"
    )

    # And the widget touched nothing of the page: one element of its own, no globals.
    added = page.evaluate(
        "Object.keys(window).filter(k => !k.startsWith('__'))"
        ".filter(k => !window.__globalsBefore.includes(k))"
    )
    assert added == []
    elements = page.evaluate("document.querySelectorAll('*').length - window.__elementsBefore")
    assert elements == 2  # the <script> tag itself and <policy-qa-widget>
    assert page.evaluate("document.body.lastElementChild.tagName") == "POLICY-QA-WIDGET"
    assert page.evaluate("document.body.className") == "shop"
    assert page.evaluate("document.body.getAttribute('style')") is None


def test_site_not_on_the_allow_list_gets_no_answers(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{sites.stranger}/")
    w = widget(page)
    expect(w.dialog).to_be_visible()
    w.greeted()
    reply = w.ask(SELL)
    expect(reply).to_contain_text("couldn't reach the server")
    expect(reply.get_by_role("button", name="Try again")).to_be_visible()
