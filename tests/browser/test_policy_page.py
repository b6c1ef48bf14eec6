"""The policy page in a real browser: readable, every clause linkable, the cited one marked."""

from __future__ import annotations

import pytest
from browsing import DESKTOP, PHONE, NewPage, Sites
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_cited_clause_is_scrolled_to_and_highlighted(
    new_page: NewPage, sites: Sites, viewport: dict[str, int]
) -> None:
    policy = sites.engine.policy
    cited = next(c for c in policy.clauses if "legal process served" in c.text)  # far down
    page = new_page(viewport)
    page.goto(f"{sites.api}/policy#{cited.id}")

    clause = page.locator(f"[id='{cited.id}']")
    expect(clause).to_have_text(cited.text)
    expect(clause).to_be_in_viewport()
    header = page.locator(".site-header").bounding_box()
    box = clause.bounding_box()
    assert header is not None and box is not None
    assert box["y"] >= header["y"] + header["height"] - 1  # not hidden under the sticky header
    assert clause.evaluate("el => el.matches(':target')")
    other = page.locator(".clause:not(:target)").first
    style = "el => getComputedStyle(el).backgroundColor"
    assert clause.evaluate(style) != other.evaluate(style)

    expect(page.get_by_role("heading", level=1)).to_have_text(policy.title)
    expect(page.locator(".clause")).to_have_count(len(policy.clauses))
    expect(page.locator("time")).to_have_text(str(policy.effective_date))
    contact = sites.engine.contact
    expect(page.get_by_role("link", name=str(contact.email))).to_have_attribute(
        "href", f"mailto:{contact.email}"
    )
    expect(page.get_by_role("link", name=str(contact.phone))).to_have_attribute(
        "href", "tel:18006057057"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_following_another_anchor_moves_the_highlight(new_page: NewPage, sites: Sites) -> None:
    first, second = sites.engine.policy.clauses[3], sites.engine.policy.clauses[20]
    page = new_page(DESKTOP)
    page.goto(f"{sites.api}/policy#{first.id}")
    expect(page.locator(".clause:target")).to_have_attribute("id", first.id)
    page.goto(f"{sites.api}/policy#{second.id}")
    expect(page.locator(".clause:target")).to_have_attribute("id", second.id)
    expect(page.locator(f"[id='{second.id}']")).to_be_in_viewport()
