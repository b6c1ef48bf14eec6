"""Insights in Chromium: a visitor's thumbs and "What were you looking for?", the footer line
that says questions are kept, an agent flagging an answer as wrong, and the policy owner's
/insights page behind its login form (screenshot: docs/insights.png)."""

from __future__ import annotations

import json
import random
import re
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from browsing import DESKTOP, NewPage, ServerThread, Widget
from playwright.sync_api import Page, expect

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from tests.polling import until_sync

pytestmark = pytest.mark.browser

TOKEN = "browser-insights-token"
ROOT = Path(__file__).resolve().parents[2]


def report(origin: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{origin}/api/v1/insights?days=30", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        data: dict[str, Any] = json.load(resp)
        return data


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """The service with insights on, in a database of the test's own, and an admin token."""
    settings = Settings(
        rate_limit=0,
        database=f"sqlite:///{tmp_path / 'insights.db'}",
        insights_flush=0.05,
        admin_token=TOKEN,
    )
    server = ServerThread(create_app(settings, engine=engine)).start()
    yield server.origin()
    server.stop()


def test_a_visitor_says_an_answer_did_not_help_and_what_they_wanted(
    new_page: NewPage, site: str
) -> None:
    page = new_page(DESKTOP)
    widget = Widget.opened(page, f"{site}/")
    notice = page.get_by_role("link", name="Questions are kept without personal details")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("href", f"{site}/policy")

    reply = widget.ask("Do you have a data protection officer?")
    votes = reply.get_by_role("group", name="Was this answer helpful?")
    expect(votes.get_by_role("button", name="Helpful", exact=True)).to_be_visible()
    votes.get_by_role("button", name="Not helpful").click()
    expect(votes.get_by_role("button", name="Not helpful")).to_have_attribute(
        "aria-pressed", "true"
    )
    box = votes.get_by_role("textbox", name=re.compile("What were you looking for"))
    expect(box).to_be_focused()
    box.fill("The DPO's name. Write to me at jane.doe@example.com")
    votes.get_by_role("button", name="Send").click()
    expect(votes.get_by_role("status")).to_contain_text("Thank you")
    expect(box).to_be_hidden()

    data = until_sync(lambda: report(site), lambda r: len(r["comments"]) == 1)
    assert data["channels"]["widget"] == 1
    assert data["helpful"] == {"votes": 1, "helpful": 0, "rate": 0.0}
    comment = data["comments"][0]["comment"]
    assert comment == "The DPO's name. Write to me at [email]"


def test_a_thumbs_up_asks_nothing_more(new_page: NewPage, site: str) -> None:
    page = new_page(DESKTOP)
    widget = Widget.opened(page, f"{site}/")
    reply = widget.ask("Do you sell my email address?")
    votes = reply.get_by_role("group", name="Was this answer helpful?")
    votes.get_by_role("button", name="Helpful", exact=True).click()
    expect(votes.get_by_role("status")).to_have_text("Thanks for your feedback.")
    expect(votes.get_by_role("textbox")).to_be_hidden()
    data = until_sync(lambda: report(site), lambda r: r["helpful"]["votes"] == 1)
    assert data["helpful"]["helpful"] == 1


def test_with_insights_off_there_are_no_thumbs_and_no_notice(
    new_page: NewPage, engine: Engine
) -> None:
    server = ServerThread(create_app(Settings(rate_limit=0, insights=False), engine=engine)).start()
    try:
        page = new_page(DESKTOP)
        widget = Widget.opened(page, f"{server.origin()}/")
        reply = widget.ask("Do you sell my email address?")
        expect(reply).to_contain_text("not selling")
        expect(reply.get_by_role("group", name="Was this answer helpful?")).to_have_count(0)
        expect(page.locator("policy-qa-widget .notice")).to_be_hidden()
    finally:
        server.stop()


def test_an_agent_flags_the_widgets_answer_as_wrong(new_page: NewPage, site: str) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{site}/agent")
    page.keyboard.type("Do you sell my email address?")
    # The results settle on the whole question (the console searches as the agent types).
    expect(page.locator("#status")).to_contain_text("“Do you sell my email address?”")
    flag = page.get_by_role("button", name="Flag the widget's answer as wrong")
    expect(flag).to_be_visible()
    flag.click()
    expect(page.get_by_role("button", name="Flagged as wrong")).to_be_disabled()
    expect(page.locator("#toast")).to_contain_text("Flagged")
    data = until_sync(lambda: report(site), lambda r: r["helpful"]["votes"] == 1)
    assert data["helpful"]["helpful"] == 0
    assert data["channels"]["agent"] >= 1
    assert data["channels"]["widget"] == 0


# --- the policy owner's page ---------------------------------------------------------------


def _history() -> list[tuple[str, int, bool | None]]:
    """A month of plausible, growing traffic: (question, days ago, vote), seeded so it never
    changes."""
    rng = random.Random(13)
    labelled = [
        json.loads(line)["question"]
        for line in (ROOT / "tests" / "data" / "labelled.jsonl").read_text().splitlines()
        if line.strip()
    ]
    repeated = (
        ["Do you have a data protection officer?", "do you have a data protection officer",
         "who is your data protection officer?", "is there a data protection officer"] * 2
        + ["Can I get a copy of my data?", "can i download a copy of my data",
           "how do I get a copy of my data?"] * 2
    )  # fmt: skip
    history = []
    for days_ago in range(30):
        for question in rng.sample(labelled, 4 + (29 - days_ago) // 3):
            history.append((question, days_ago, rng.choice([True, True, True, False, None])))
    history += [(q, rng.randrange(7), None) for q in repeated]
    return history


def _seed(url: str, engine: Engine) -> None:
    """The history, answered by the engine and stored as the service would store it."""
    import asyncio
    import secrets
    import threading

    from qa_service.insights.recorder import keeps_text, policy_digest
    from qa_service.insights.store import Question, Store, Vote, database_url
    from qa_service.redact import redact

    today = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    asked, votes = [], []
    for n, (question, days_ago, vote) in enumerate(_history()):
        answer = engine.answer(question)
        answer_id = secrets.token_urlsafe(16)
        asked.append(
            Question(
                answer_id=answer_id,
                minute=today - timedelta(days=days_ago, minutes=n % 600),
                channel=("widget", "widget", "agent", "api")[n % 4],
                status=answer.status,
                intent=answer.intent,
                confidence=answer.confidence,
                policy=policy_digest(engine.policy),
                text=redact(question) if keeps_text("unanswered", answer) else None,
                clauses=tuple(c.clause.id for c in answer.citations),
            )
        )
        if vote is not None:
            votes.append(Vote(answer_id, vote, None))

    async def write() -> None:
        store = Store(database_url(url))
        await store.upgrade()
        await store.write(asked, votes)
        await store.close()

    # Playwright's sync API runs an event loop in this thread: write from another.
    worker = threading.Thread(target=lambda: asyncio.run(write()))
    worker.start()
    worker.join(60)


def test_the_policy_owner_signs_in_and_sees_the_charts(
    new_page: NewPage,
    engine: Engine,
    tmp_path: Path,
    docs_screenshot: Callable[[Page, str], None],
) -> None:
    url = f"sqlite:///{tmp_path / 'insights.db'}"
    _seed(url, engine)
    settings = Settings(rate_limit=0, database=url, admin_token=TOKEN)
    server = ServerThread(create_app(settings, engine=engine)).start()
    try:
        page = new_page({"width": 1200, "height": 1600})
        page.goto(f"{server.origin()}/insights")
        token = page.get_by_label("Admin token")
        token.fill("not the token")
        token.press("Enter")
        expect(page.get_by_role("alert")).to_have_text("That is not the admin token.")
        assert not page.context.cookies()

        page.get_by_label("Admin token").fill(TOKEN)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(engine.policy.title)
        [cookie] = page.context.cookies()
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/insights"

        chart = page.get_by_role("img", name="Questions a day, stacked by status")
        expect(chart).to_be_visible()
        assert chart.locator("g").count() == 30  # a bar for each day
        expect(page.get_by_role("link", name="30 days")).to_have_attribute("aria-current", "page")
        groups = page.locator(".cluster")
        expect(groups.first).to_contain_text("data protection officer")
        asked = re.search(r"Asked (\d+) times", groups.first.inner_text())
        assert asked is not None and int(asked.group(1)) >= 8  # the eight seeded, and any alike
        expect(page.get_by_role("img", name="Questions answered by each clause")).to_be_visible()
        expect(page.get_by_role("img", name=re.compile("Share of votes"))).to_be_visible()
        docs_screenshot(page, "insights.png")

        page.get_by_role("link", name="7 days").click()
        expect(page).to_have_url(re.compile(r"/insights\?days=7$"))
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("Admin token")).to_be_visible()
        assert not page.context.cookies()
    finally:
        server.stop()
