"""The policy owner's /insights page and its login form: server-rendered HTML and SVG, every
value through html.escape, no script."""

from __future__ import annotations

from qa_service.engine import STATUSES
from qa_service.insights.charts import Bar, bars, daily_statuses
from qa_service.insights.report import Report, rate
from qa_service.layout import escape, page

DAY_CHOICES = (7, 30, 90)
CHANNEL_NAMES = {"widget": "From the widget", "agent": "From agents", "api": "From the API"}


_e = escape


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _page(title: str, main: str) -> str:
    return page(
        title,
        f'<main class="insights" id="main">\n{main}\n</main>',
        body_class="page-insights",
        styles=["/static/insights.css"],
        indexed=False,
    )


def render_login(policy_title: str, error: str | None = None) -> str:
    alert = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
    return _page(
        f"Insights: {policy_title}",
        f"""<h1>Insights</h1>
<p class="lede">What visitors ask about {_e(policy_title)}, what goes unanswered and whether
answers helped. Sign in with the service's admin token (<code>POLICY_QA_ADMIN_TOKEN</code>).</p>
<form class="login" method="post" action="/insights/login">
  {alert}
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>""",
    )


def _figure(label: str, value: str, note: str = "") -> str:
    small = f"<small>{_e(note)}</small>" if note else ""
    return f'<div class="figure"><dt>{_e(label)}</dt><dd>{_e(value)}{small}</dd></div>'


def _range_links(days: int) -> str:
    links = "".join(
        f'<a href="/insights?days={n}" aria-current="page">{n} days</a>'
        if n == days
        else f'<a href="/insights?days={n}">{n} days</a>'
        for n in DAY_CHOICES
    )
    return f'<nav class="range" aria-label="Period">{links}</nav>'


def _clusters(report: Report) -> str:
    if not report.unanswered:
        return '<p class="empty">No unanswered questions with their text kept in this period.</p>'
    items: list[str] = []
    for found in report.unanswered[:10]:
        examples = "".join(f"<li>{_e(x)}</li>" for x in found.examples)
        nearest = (
            f'<p class="nearest">Nearest clause: <a href="/policy#{_e(found.nearest.clause_id)}">'
            f"{_e(found.nearest.text)}</a></p>"
            if found.nearest is not None
            else '<p class="nearest">No clause of the policy is near.</p>'
        )
        items.append(
            f'<li class="cluster"><p class="count">Asked {found.count} '
            f"time{'s' if found.count != 1 else ''}</p>"
            f'<ul class="examples">{examples}</ul>{nearest}</li>'
        )
    return f'<ol class="clusters">{"".join(items)}</ol>'


def _comments(report: Report) -> str:
    if not report.comments:
        return '<p class="empty">No comments in this period.</p>'
    rows = "".join(
        f"<li><time>{c.minute:%Y-%m-%d %H:%M}</time> "
        f'<span class="vote">{"helpful" if c.helpful else "not helpful"}</span> '
        f"{_e(c.comment)}</li>"
        for c in report.comments
    )
    return f'<ul class="comments">{rows}</ul>'


def render_dashboard(report: Report) -> str:
    helpful_rate = rate(report.helpful, report.votes)
    clause_bars = [
        Bar(
            label=report.clause_texts.get(t.key, t.key),
            value=t.questions,
            shown=f"{t.questions}  ({_percent(rate(t.helpful, t.votes))} helpful)",
            hint=f"{t.key}: {report.clause_texts.get(t.key, 'no longer in the policy')}",
        )
        for t in report.clauses[:10]
    ]
    intent_bars = [
        Bar(
            label=t.key,
            value=rate(t.helpful, t.votes) or 0.0,
            shown=f"{_percent(rate(t.helpful, t.votes))} of {t.votes}",
        )
        for t in report.intents
        if t.votes
    ][:10]
    figures = "".join(
        [
            _figure("Questions", f"{report.questions:,}"),
            _figure("Answered", _percent(report.answer_rate), " of questions asking for info"),
            _figure("Helpful", _percent(helpful_rate), f" of {report.votes} vote(s)"),
            *(_figure(CHANNEL_NAMES.get(k, k), f"{v:,}") for k, v in report.channels.items()),
        ]
    )
    return _page(
        f"Insights: {report.policy}",
        f"""<header class="insights-header">
  <div>
    <p class="eyebrow">Insights · {_e(report.since)} to {_e(report.until)} (UTC)</p>
    <h1>{_e(report.policy)}</h1>
    <p class="version">Policy version {_e(report.version)}</p>
  </div>
  <div class="tools">{_range_links(report.days)}
    <form method="post" action="/insights/logout"><button type="submit">Sign out</button></form>
  </div>
</header>
<dl class="figures">{figures}</dl>
<section aria-labelledby="per-day"><h2 id="per-day">Questions a day, by status</h2>
{daily_statuses(report.per_day, STATUSES, "Questions a day, stacked by status")}</section>
<section aria-labelledby="unanswered"><h2 id="unanswered">Unanswered, grouped</h2>
<p class="hint">Near-duplicate questions the policy did not answer, with the clause nearest to
them: <code>run.py insights suggest</code> turns them into draft intents.</p>
{_clusters(report)}</section>
<section aria-labelledby="clauses"><h2 id="clauses">Clauses asked about most</h2>
{bars(clause_bars, "Questions answered by each clause")}</section>
<section aria-labelledby="intents"><h2 id="intents">Helpful rate by intent</h2>
{bars(intent_bars, "Share of votes saying the answer helped, by intent", scale=1.0)}</section>
<section aria-labelledby="comments"><h2 id="comments">What visitors said</h2>
{_comments(report)}</section>""",
    )
