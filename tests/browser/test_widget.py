"""The chat widget in a real browser, used the way a website visitor uses it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from browsing import (
    DESKTOP,
    PHONE,
    PHONE_390,
    HostSite,
    NewPage,
    ServerThread,
    Sites,
    Widget,
    too_many_requests,
)
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

SELL = "Do you sell my email address?"
SELL_CLAUSE = "not selling our customers' email addresses"
KEEP = "How long do you keep my data?"
WEATHER = "what's the weather"
ASK = "**/api/v1/ask"
# A citation's link: its name starts with the words it shows.
CITE_LINK = re.compile(r"^See clause \d+ in the policy \(opens in a new tab\)$")


def clause_id(sites: Sites, phrase: str) -> str:
    return next(c.id for c in sites.engine.policy.clauses if phrase in c.text)


def luminance(css_color: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def in_widget(page: Page, selector: str) -> int:
    return int(page.evaluate(f"{Widget.ROOT_JS}.querySelectorAll({json.dumps(selector)}).length"))


def latest_offers(page: Page) -> int:
    """How many links and buttons the latest reply and its suggestions hold."""
    return int(
        page.evaluate(
            f"""() => {{
              const root = {Widget.ROOT_JS};
              const rows = root.querySelectorAll('.row.bot:not(.typing)');
              const last = rows[rows.length - 1];
              const shown = (list) => [...list].filter(el => el.getClientRects().length).length;
              return shown(last.querySelectorAll('a[href], button'))
                + shown(root.querySelectorAll('.chips button'));
            }}"""
        )
    )


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
    link = reply.get_by_role("link", name=CITE_LINK)
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
    w = widget.opened(page, f"{sites.api}/")
    # On a phone the panel takes the whole screen and the launcher steps aside.
    box = w.dialog.bounding_box()
    assert box == pytest.approx({"x": 0, "y": 0, **PHONE}, abs=1)
    expect(w.launcher).to_be_hidden()

    expect(w.ask(SELL)).to_have_attribute("data-status", "answered")
    reply = w.ask(KEEP)
    expect(reply).to_have_attribute("data-status", "fallback")
    contact = sites.engine.contact
    assert (contact.email, contact.phone) == ("customerservice@paloalto.com", "1-800-605-7057")
    email = reply.get_by_role("link", name=str(contact.email))
    expect(email).to_have_attribute("href", f"mailto:{contact.email}")
    phone = reply.get_by_role("link", name=str(contact.phone))
    expect(phone).to_have_attribute("href", "tel:18006057057")
    expect(phone).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    docs_screenshot(page, "widget-phone.png")


def test_out_of_scope_then_a_suggestion_chip(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
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
    expect(w.dialog.get_by_role("button", name=chip, exact=True)).to_have_class("chip")
    page.keyboard.press("Enter")
    expect(page.locator("policy-qa-widget .row.visitor").last).to_contain_text(chip)
    expect(w.replies).to_have_count(3)
    expect(w.box).to_be_focused()

    # The panel covers the phone's screen, so Tab goes round inside it: from the box, first
    # through what the new reply offers, back to the box, then on to the panel's controls
    # (the footer's last line says that questions are kept: insights are on).
    kept = "Questions are kept without personal details to improve answers."
    offered = latest_offers(page)
    assert offered >= 2  # the citation's link and suggestions
    for _ in range(offered):
        page.keyboard.press("Tab")
        assert w.focused() not in {"pqa-input", "Send question"}
    page.keyboard.press("Tab")
    assert w.focused() == "pqa-input"
    for expected in [
        "Send question",
        "privacy statement",
        kept,
        "Clear conversation",
        "Close chat",
    ]:
        page.keyboard.press("Tab")
        assert w.focused() == expected
    page.keyboard.press("Shift+Tab")
    assert w.focused() == "Clear conversation"

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
    w = widget.opened(page, f"{sites.api}/")
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
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/")
    page.route(ASK, too_many_requests(7))
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
    w = widget.opened(page, f"{sites.api}/")
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
    expect(reply.get_by_role("link", name=CITE_LINK)).to_have_attribute(
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


# --- issue 14 ---------------------------------------------------------------------------------


def test_a_site_not_on_the_allow_list_is_told_how_to_allow_it(
    new_page: NewPage,
    widget: type[Widget],
    serve_app: Callable[..., ServerThread],
    host_site: Callable[..., HostSite],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Opened as 127.0.0.1 while the server allows localhost: the visitor is told the chat is
    unavailable (no retry that cannot help); the site's owner reads what to change in the
    browser's console and, once, in the server's log."""
    site = host_site()
    port = site.origin.rsplit(":", 1)[1]
    api = serve_app(cors_origins=(f"http://localhost:{port}",), rate_limit=0)
    site.api = api.origin()
    errors: list[str] = []
    page = new_page(DESKTOP)
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    with caplog.at_level("WARNING", logger="qa_service"):
        for _ in range(2):  # and a second page load: not logged again
            page.goto(f"{site.origin}/")
            w = widget(page)
            expect(w.dialog).to_be_visible()
            reply = w.replies.first
            expect(reply).to_contain_text("the chat is unavailable on this page")
    expect(reply.get_by_role("button")).to_have_count(0)  # nothing to retry
    expect(w.box).to_be_disabled()
    assert in_widget(page, ".chips") == 0

    help_text = next(e for e in errors if "policy-qa" in e)
    assert f"--cors-origin {site.origin}" in help_text
    assert f"POLICY_QA_CORS_ORIGINS={site.origin}" in help_text
    assert f"http://localhost:{port} is allowed, but this page was opened as {site.origin}" in (
        help_text
    )
    logged = [r.getMessage() for r in caplog.records if site.origin in r.getMessage()]
    assert len(logged) == 1
    assert "--cors-origin" in logged[0] and "POLICY_QA_CORS_ORIGINS" in logged[0]


def test_the_conversation_is_kept_for_the_tab_until_cleared(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
    expect(w.ask(SELL)).to_have_attribute("data-status", "answered")
    expect(w.ask(KEEP)).to_have_attribute("data-status", "fallback")

    page.reload()  # another page of the same site, in the same tab
    w = widget(page)
    w.open()
    expect(w.visitor_rows()).to_have_text([f"You: {SELL}", f"You: {KEEP}"])
    expect(w.replies).to_have_count(3)  # the greeting, then both answers as they were
    expect(w.replies.nth(1).locator("blockquote")).to_contain_text(SELL_CLAUSE)
    expect(w.replies.nth(2)).to_have_attribute("data-status", "fallback")
    expect(w.replies.first).to_contain_text(str(sites.engine.policy.owner))

    w.dialog.get_by_role("button", name="Clear conversation").click()
    expect(w.visitor_rows()).to_have_count(0)
    expect(w.replies).to_have_count(1)  # the greeting again
    expect(w.box).to_be_focused()
    page.reload()
    w = widget(page)
    w.open()
    expect(w.visitor_rows()).to_have_count(0)

    other = new_page(DESKTOP)  # another tab (a new session) starts afresh
    other.goto(f"{sites.api}/")
    expect(widget(other).visitor_rows()).to_have_count(0)


def test_a_long_paste_is_cut_and_said_so(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
    most = 1000
    w.box.fill("a" * 700)
    expect(page.locator("policy-qa-widget .count")).to_be_hidden()  # no counter far off
    w.box.fill("Do you sell my email address? " + "x" * 800)  # 830: near the limit
    expect(page.locator("policy-qa-widget .count")).to_have_text(f"830 / {most:,}")
    w.box.fill("")
    w.box.focus()
    page.keyboard.insert_text("Do you sell my email address? " + "y" * 1200)  # a paste
    assert len(w.box.input_value()) == most
    expect(page.locator("policy-qa-widget .count")).to_have_text(f"{most:,} / {most:,}")
    expect(page.get_by_role("status")).to_contain_text(f"Cut to {most:,} characters")
    w.box.press("Enter")
    expect(w.replies).to_have_count(2)  # sent, as cut, and answered (not refused as too long)
    expect(w.replies.last).not_to_have_attribute("data-status", "error")
    expect(page.locator("policy-qa-widget .meta")).to_be_hidden()


def test_a_question_sent_while_loading_waits_its_turn(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
    held: list[Route] = []
    sent: list[str] = []

    def hold_the_first(route: Route) -> None:
        sent.append(str(route.request.post_data))
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(ASK, hold_the_first)
    w.send(SELL)
    while not held:
        page.wait_for_timeout(20)
    w.send(KEEP)  # Enter while the first answer is loading
    waiting = w.visitor_rows().last
    expect(waiting).to_contain_text(KEEP)
    expect(waiting).to_contain_text("Sends when the answer above arrives")
    assert len(sent) == 1  # not sent yet
    held[0].continue_()
    expect(w.replies).to_have_count(3)
    expect(w.replies.nth(1)).to_have_attribute("data-status", "answered")
    expect(w.replies.nth(2)).to_have_attribute("data-status", "fallback")
    expect(waiting).not_to_contain_text("Sends when")
    assert len(sent) == 2 and KEEP in sent[1]


def test_contacts_show_once_and_unbroken_on_a_phone(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(PHONE_390, is_mobile=True, has_touch=True)
    w = widget.opened(page, f"{sites.api}/")
    contact = sites.engine.contact
    for question, status in [(KEEP, "fallback"), ("I want to talk to a human", "handoff")]:
        reply = w.ask(question)
        expect(reply).to_have_attribute("data-status", status)
        text = reply.inner_text()
        assert text.count(str(contact.email)) == 1, text
        assert text.count(str(contact.phone)) == 1, text
        phone = reply.get_by_role("link", name=str(contact.phone))
        expect(phone).to_have_attribute("href", "tel:18006057057")
        # One line box: the number does not wrap ("1-/800-605-7057").
        assert phone.evaluate("el => el.getClientRects().length") == 1
        expect(reply.get_by_role("link", name=str(contact.email))).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]


def test_tab_from_the_box_reaches_the_answers_link_and_suggestions(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
    w.box.press_sequentially(SELL)
    page.keyboard.press("Enter")
    expect(w.replies.last).to_have_attribute("data-status", "answered")
    expect(w.box).to_be_focused()
    page.keyboard.press("Tab")
    assert w.focused().startswith("See clause 12 in the policy"), w.focused()
    page.keyboard.press("Tab")
    for vote in ["Helpful", "Not helpful"]:  # the answer's thumbs (insights are on)
        assert w.focused() == vote
        page.keyboard.press("Tab")
    chip = w.focused()
    expect(w.dialog.get_by_role("button", name=chip, exact=True)).to_have_class("chip")
    page.keyboard.press("Enter")  # a suggestion, from the keyboard
    expect(w.visitor_rows().last).to_contain_text(chip)
    expect(w.replies).to_have_count(3)


def test_escape_closes_after_focus_left_the_box(
    new_page: NewPage, widget: type[Widget], sites: Sites
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
    w.ask(SELL).locator("blockquote").click()  # reading the answer: focus leaves the box
    expect(w.box).not_to_be_focused()
    page.keyboard.press("Escape")
    expect(w.dialog).to_be_hidden()

    w.open()
    page.locator("h1").click()  # the page itself, outside the widget
    page.keyboard.press("Escape")
    expect(w.dialog).to_be_hidden()


def test_integrators_get_absolute_citation_links_and_the_widget_settings_documented(
    new_page: NewPage, serve_app: Callable[..., ServerThread]
) -> None:
    """An integrator's page calling the API: the cited clause's url is absolute, under the
    configured public URL, and /widget.json is in the OpenAPI document."""
    api = serve_app(public_url="https://privacy.example.com", rate_limit=0)
    page = new_page(DESKTOP)
    page.goto(f"{api.origin()}/policy")
    body = page.evaluate(
        """async () => {
          const r = await fetch('/api/v1/ask', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({question: 'Do you sell my email address?'})});
          return r.json();
        }"""
    )
    citation = body["citations"][0]
    assert citation["url"] == f"https://privacy.example.com/policy#{citation['clause_id']}"
    spec = page.evaluate("fetch('/openapi.json').then(r => r.json())")
    assert "/widget.json" in spec["paths"]
    assert "language" in spec["components"]["schemas"]["Answer"]["properties"]


@pytest.mark.parametrize(
    ("question", "language", "says"),
    [
        ("Vendez-vous mon adresse e-mail ?", "fr", "rédigée en anglais"),
        ("¿Venden mi correo electrónico?", "es", "redactada en inglés"),
    ],
    ids=["french", "spanish"],
)
def test_a_question_in_another_language_is_answered_in_it(
    new_page: NewPage,
    widget: type[Widget],
    sites: Sites,
    question: str,
    language: str,
    says: str,
) -> None:
    page = new_page(DESKTOP)
    w = widget.opened(page, f"{sites.api}/")
    reply = w.ask(question)
    expect(reply).to_have_attribute("data-status", "fallback")  # not off-topic, not English
    expect(reply).to_have_attribute("lang", language)
    expect(reply).to_contain_text(says)
    contact = sites.engine.contact
    expect(reply.get_by_role("link", name=str(contact.email))).to_be_visible()
    expect(reply.get_by_role("link", name=str(contact.phone))).to_be_visible()
