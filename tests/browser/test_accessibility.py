"""axe-core (the npm package, served to each page by the test) on every view: the demo page,
the policy, the agent console and the opened widget, light and dark, desktop and a 390 px
phone. Any moderate, serious or critical violation fails."""

from __future__ import annotations

from typing import Any

import pytest
from browsing import AXE, DESKTOP, PHONE_390, NewPage, Sites, Widget
from playwright.sync_api import Page, expect

from tests.needs import missing

pytestmark = pytest.mark.browser

FAILING = {"moderate", "serious", "critical"}
AXE_URL = "/__test__/axe.min.js"  # answered by the test itself, so the page's CSP allows it


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        missing(
            "accessibility tests",
            "axe-core is missing: `make test` installs it (npm ci --prefix tests/browser)",
        )
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, axe_source: str) -> list[tuple[str, str, list[Any]]]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.route(
            f"**{AXE_URL}",
            lambda route: route.fulfill(body=axe_source, content_type="text/javascript"),
        )
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in FAILING
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["desktop", "phone"])
@pytest.mark.parametrize("view", ["demo", "policy", "agent", "widget"])
def test_no_accessibility_violations(
    new_page: NewPage,
    widget: type[Widget],
    sites: Sites,
    axe_source: str,
    view: str,
    viewport: dict[str, int],
    scheme: str,
) -> None:
    page = new_page(viewport, color_scheme=scheme)
    found: list[tuple[str, str, list[Any]]] = []
    if view == "demo":
        page.goto(f"{sites.api}/")
        found += violations(page, axe_source)
    elif view == "policy":
        cited = sites.engine.policy.clauses[11]
        page.goto(f"{sites.api}/policy#{cited.id}")  # a cited clause, highlighted
        found += violations(page, axe_source)
    elif view == "agent":
        page.goto(f"{sites.api}/agent")
        found += violations(page, axe_source)  # empty, before typing
        box = page.get_by_role("combobox")
        for question, badge in [
            ("How long do you keep my data?", "Fallback"),
            ("Do you sell my email address?", "Answered"),
        ]:
            box.fill(question)
            answer = page.get_by_role("group", name="The widget's answer")
            expect(answer.get_by_role("option")).to_contain_text(badge)
            found += violations(page, axe_source)
    else:
        w = widget.opened(page, f"{sites.api}/")
        for question, status in [
            ("Do you sell my email address?", "answered"),
            ("How long do you keep my data?", "fallback"),
            ("Vendez-vous mon adresse e-mail ?", "fallback"),
        ]:
            expect(w.ask(question)).to_have_attribute("data-status", status)
        found += violations(page, axe_source)
    assert found == []
