"""The pages people use: the demo page embedding the widget, the policy page, the agent console.

Server-rendered HTML, every value through html.escape; the widget and the console build their
DOM in the browser from the JSON API (qa_service/static/).
"""

from __future__ import annotations

import re
from itertools import groupby
from pathlib import Path
from typing import Any

from aiohttp import web

from qa_service import cors
from qa_service.corpus import Clause, Contact, Policy
from qa_service.engine import Engine
from qa_service.errors import Problem
from qa_service.insights.service import widget_notice
from qa_service.layout import escape, page
from qa_service.serialise import contact_json, json_reply, policy_url
from qa_service.state import ENGINE, SETTINGS

STATIC = Path(__file__).resolve().parent / "static"

_EMAIL = re.compile(r"[^\s@<>\"'()]+@[^\s@<>\"'()]+\.[^\s@<>\"'()]+")


_e = escape


def tel_href(phone: str) -> str:
    """A tel: URI keeps only the digits (and a leading +) of a phone number as written."""
    digits = re.sub(r"[^\d]", "", phone)
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"


def mailto_href(email: str) -> str | None:
    return f"mailto:{email}" if _EMAIL.fullmatch(email) else None


def owner_name(policy: Policy) -> str:
    return policy.owner or "this website"


def greeting(policy: Policy) -> str:
    return (
        f"Hi! I answer questions about {owner_name(policy)}'s privacy statement, "
        "and show you the clause each answer comes from."
    )


def starter_questions(engine: Engine, most: int = 3) -> list[str]:
    """The first curated questions the policy can answer: the widget's first chips."""
    return engine.starters(most)


# --- layout ---------------------------------------------------------------------------------


def _site_header(policy: Policy, current: str) -> str:
    links = [("/", "Demo"), ("/policy", "Policy"), ("/agent", "Agent console")]
    items = "".join(
        f'<a href="{href}" aria-current="page">{label}</a>'
        if href == current
        else f'<a href="{href}">{label}</a>'
        for href, label in links
    )
    return f"""<header class="site-header">
  <a class="brand" href="/">{_e(owner_name(policy))}</a>
  <nav class="site-nav" aria-label="Pages">{items}</nav>
</header>"""


def _contact_list(contact: Contact) -> str:
    rows: list[str] = []
    if contact.email:
        href = mailto_href(contact.email)
        value = f'<a href="{_e(href)}">{_e(contact.email)}</a>' if href else _e(contact.email)
        rows.append(f"<dt>Email</dt><dd>{value}</dd>")
    if contact.phone:
        link = f'<a href="{_e(tel_href(contact.phone))}">{_e(contact.phone)}</a>'
        rows.append(f"<dt>Phone</dt><dd>{link}</dd>")
    if contact.address:
        rows.append(f"<dt>Post</dt><dd>{_e(contact.address)}</dd>")
    if not rows:
        return "<p>This statement gives no contact details.</p>"
    return f'<dl class="contact-list">{"".join(rows)}</dl>'


# --- policy page ----------------------------------------------------------------------------


def _paragraphs(clauses: list[Clause]) -> str:
    out: list[str] = []
    for _, group in groupby(clauses, key=lambda c: c.paragraph):
        spans = " ".join(
            f'<span class="clause" id="{_e(c.id)}" data-position="{c.position}">{_e(c.text)}</span>'
            for c in group
        )
        out.append(f'<p class="para">{spans}</p>')
    return "\n".join(out)


def render_policy(policy: Policy, contact: Contact) -> str:
    """The whole statement: sections of paragraphs of clauses, each clause an anchor."""
    sections: list[str] = []
    for section in policy.sections:
        clauses = [c for c in (policy.clause(i) for i in section.clause_ids) if c is not None]
        heading = (
            ""
            if section.title == policy.title
            else f'<h2 id="section-{section.index}">{_e(section.title)}</h2>\n'
        )
        sections.append(
            f'<section class="policy-section">\n{heading}{_paragraphs(clauses)}\n</section>'
        )
    toc = ""
    titled = [s for s in policy.sections if s.title != policy.title]
    if len(titled) > 1:
        items = "".join(f'<li><a href="#section-{s.index}">{_e(s.title)}</a></li>' for s in titled)
        toc = f'<nav class="toc" aria-label="Sections"><h2>Sections</h2><ol>{items}</ol></nav>'
    meta: list[str] = []
    if policy.owner:
        meta.append(f"<span>{_e(policy.owner)}</span>")
    if policy.effective_date:
        when = _e(policy.effective_date)
        if policy.effective_date_iso:
            when = f'<time datetime="{_e(policy.effective_date_iso)}">{when}</time>'
        meta.append(f'<span class="effective">Effective {when}</span>')
    body = f"""{_site_header(policy, "/policy")}
<main class="policy" id="main">
  <header class="doc-header">
    <p class="eyebrow">Privacy statement</p>
    <h1>{_e(policy.title)}</h1>
    <p class="doc-meta">{"".join(meta)}</p>
    <p class="doc-hint">Answers from the assistant link to the clause they quote; the cited
    clause is highlighted when you arrive from one.</p>
  </header>
  {toc}
  <article class="doc-body">
{chr(10).join(sections)}
  </article>
  <section class="contact-card" aria-labelledby="contact-title">
    <h2 id="contact-title">Questions about your privacy?</h2>
    <p>Contact {_e(owner_name(policy))}:</p>
    {_contact_list(contact)}
  </section>
</main>"""
    return page(f"{policy.title}", body, body_class="page-policy")


# --- demo page and console ------------------------------------------------------------------


def render_demo(engine: Engine, origin: str) -> str:
    """A website embedding the widget with the one tag a company would paste; `origin` is
    the service's public URL, or "" for a relative tag."""
    policy = engine.policy
    src = f"{origin}/widget.js"
    embed = f'<script src="{_e(src)}" async></script>'
    settings = (
        "<script>\n  window.PolicyQAWidget = "
        '{ position: "left", title: "Privacy questions", open: true };\n</script>\n' + embed
    )
    tries = [*starter_questions(engine, 2), "How long do you keep my data?", "What's the weather?"]
    # The widget asks any question marked data-policy-qa-ask when it is clicked.
    try_items = "".join(
        f'<li><button type="button" class="try-question" data-policy-qa-ask="{_e(q)}">'
        f"{_e(q)}</button></li>"
        for q in dict.fromkeys(tries)
    )
    body = f"""{_site_header(policy, "/")}
<main class="demo" id="main">
  <section class="hero">
    <p class="eyebrow">Demo website</p>
    <h1>Questions about your privacy, answered from the policy itself</h1>
    <p class="lede">This page embeds the chat widget exactly as a customer's website would.
    Open it with the button in the bottom corner and ask: every answer quotes the clause of
    <a href="/policy">{_e(policy.title)}</a> it comes from, and when the statement is silent
    you get {_e(owner_name(policy))}'s own contact details instead of a guess.</p>
    <div class="try">
      <h2>Try asking</h2>
      <ul class="try-list">{try_items}</ul>
    </div>
  </section>
  <section class="cards" aria-label="More">
    <article class="card">
      <h2>Embed it</h2>
      <p>One tag, anywhere in your page:</p>
      <pre class="snippet"><code>{_e(embed)}</code></pre>
      <p>Optionally, settings first (position, title, open on load):</p>
      <pre class="snippet"><code>{_e(settings)}</code></pre>
      <p class="small">Your site's origin must be allowed: <code>--cors-origin
      https://www.example.com</code>.</p>
    </article>
    <article class="card">
      <h2>For support agents</h2>
      <p>The <a href="/agent">agent console</a> searches the statement as you type and
      copies a ready-to-paste reply with the clause and its link.</p>
      <h2>For developers</h2>
      <p>The same answers as JSON: <code>POST /api/v1/ask</code>, described in
      <a href="/openapi.json">/openapi.json</a>.</p>
    </article>
  </section>
</main>
{embed}"""
    return page(f"{owner_name(policy)}: privacy questions", body, body_class="page-demo")


def render_agent(engine: Engine) -> str:
    policy = engine.policy
    body = f"""{_site_header(policy, "/agent")}
<main class="agent" id="main">
  <h1>Agent console</h1>
  <p class="lede">Search <a href="/policy">{_e(policy.title)}</a>, see what the chat widget
  would answer, and copy a reply with the clause and its link.</p>
  <form class="search" role="search" id="search-form">
    <label for="q">Search the policy or paste the customer's question</label>
    <input id="q" name="q" type="search" autocomplete="off" spellcheck="false" autofocus
      placeholder="e.g. cookies, sell email, delete my data"
      aria-controls="results" aria-describedby="keys">
    <p id="keys" class="keys"><kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> copy reply ·
    <kbd>Esc</kbd> clear · <kbd>/</kbd> search</p>
  </form>
  <div class="status-bar">
    <p id="status" class="status" role="status" aria-live="polite"></p>
    <a id="open-clause" class="open-clause" target="_blank" rel="noopener" hidden><span>Open
    the clause in the policy</span><span class="visually-hidden"> (opens in a new tab)</span><span
    aria-hidden="true"> ↗</span></a>
  </div>
  <p id="hint" class="empty" hidden></p>
  <div id="results" class="results" role="listbox" aria-label="Answer and matching clauses"
    tabindex="-1" hidden></div>
  <p id="toast" class="toast" role="status" aria-live="polite" hidden></p>
</main>"""
    return page(
        f"Agent console: {policy.title}",
        body,
        body_class="page-agent",
        scripts=["/static/agent.js"],
    )


def widget_config(
    engine: Engine, max_question_chars: int, base: str | None = None
) -> dict[str, Any]:
    """What the widget needs before the first question: names, greeting, first chips."""
    return {
        "title": engine.policy.title,
        "owner": owner_name(engine.policy),
        "greeting": greeting(engine.policy),
        "suggestions": starter_questions(engine),
        "contact": contact_json(engine.contact),
        "policy_url": policy_url(base),
        "max_question_chars": max_question_chars,
    }


def embedding(origin: str | None, allowed: bool, listed: tuple[str, ...]) -> dict[str, Any]:
    """Whether the page asking may use the API, and if not, what its owner must change."""
    return {
        "allowed": allowed,
        "help": None if allowed or origin is None else cors.refusal(origin, listed),
    }


# --- views ----------------------------------------------------------------------------------


def _html(text: str) -> web.Response:
    # The security middleware adds the page CSP (no inline script) and the other headers.
    return web.Response(text=text, content_type="text/html", charset="utf-8")


async def demo(request: web.Request) -> web.Response:
    # The demo embeds the widget by absolute URL, as another site would, when the public URL
    # is configured; otherwise by a relative one. Never from the Host header: the client
    # writes it (an injected tag, or a 500 on one that is not a valid host).
    public_url = request.app[SETTINGS].public_url or ""
    return _html(render_demo(request.app[ENGINE].engine, public_url))


async def policy(request: web.Request) -> web.Response:
    engine = request.app[ENGINE].engine
    return _html(render_policy(engine.policy, engine.contact))


async def agent(request: web.Request) -> web.Response:
    return _html(render_agent(request.app[ENGINE].engine))


async def widget_js(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        STATIC / "widget.js",
        headers={
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def widget_json(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    config = widget_config(
        request.app[ENGINE].engine, settings.max_question_chars, settings.public_url
    )
    # The service's own pages may always use it: their GETs carry no Origin, and the browser
    # says the rest are same-origin.
    origin = request.headers.get("Origin")
    allowed = origin is None or cors.same_origin(request) or cors.origin_allowed(origin, settings)
    config["embedding"] = embedding(origin, allowed, settings.cors_origins)
    config["privacy_notice"] = widget_notice(settings)  # null: insights are off
    return json_reply(config, headers={"Cache-Control": "public, max-age=60"})


_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript"}
# Only the files shipped with the package, named exactly: no path reaches outside them.
_STATIC_FILES = {p.name: p for p in STATIC.iterdir() if p.suffix in _STATIC_TYPES}


async def static(request: web.Request) -> web.FileResponse:
    path = _STATIC_FILES.get(request.match_info["name"])
    if path is None:
        raise Problem(404, "There is nothing at this address.")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": f"{_STATIC_TYPES[path.suffix]}; charset=utf-8",
            "Cache-Control": "public, max-age=300",
        },
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/", demo)
    app.router.add_get("/policy", policy)
    app.router.add_get("/agent", agent)
    app.router.add_get("/widget.js", widget_js)
    app.router.add_get("/widget.json", widget_json)
    app.router.add_get("/static/{name}", static)
