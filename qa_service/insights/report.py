"""The insights report: questions per day by status, answer and helpful rates, the clauses
asked about most, and unanswered questions grouped into clusters of near-duplicates, each with
the policy clause nearest to it. As JSON (the API), text lines (the CLI) and CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from qa_service.engine import STATUSES, Engine
from qa_service.insights.recorder import CHANNELS, policy_digest
from qa_service.insights.store import UNANSWERED, Comment, Store, Summary, Tally

MAX_DAYS = 366
# Near-duplicates: the cosine similarity of two questions' character n-grams (which forgives
# typos and word order) averaged over a cluster's members must reach this.
SIMILAR = 0.4
MOST_UNIQUE = 1000  # distinct unanswered questions clustered, the most frequent first
MOST_CLUSTERS = 20
EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class Nearest:
    clause_id: str
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Cluster:
    count: int  # questions asked, repeats included
    examples: tuple[str, ...]  # distinct, the most asked first
    nearest: Nearest | None  # the clause of the policy nearest to them, if any is near


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    counts: dict[str, int]  # status -> questions

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Report:
    days: int
    since: date
    until: date
    policy: str  # the title
    version: str  # the policy's digest, as recorded with each question
    per_day: list[Day]
    channels: dict[str, int]
    votes: int
    helpful: int
    intents: list[Tally]
    clauses: list[Tally]
    clause_texts: dict[str, str]  # of the clauses still in the policy
    unanswered: list[Cluster]
    comments: list[Comment]

    @property
    def questions(self) -> int:
        return sum(day.total for day in self.per_day)

    def status_total(self, status: str) -> int:
        return sum(day.counts[status] for day in self.per_day)

    @property
    def answer_rate(self) -> float | None:
        """Answered, of the questions asking for information (not smalltalk or hand-off)."""
        answered = self.status_total("answered")
        asked = answered + sum(self.status_total(s) for s in UNANSWERED)
        return answered / asked if asked else None


def rate(helpful: int, votes: int) -> float | None:
    return round(helpful / votes, 4) if votes else None


# --- clustering ------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).rstrip("?!. ")


def cluster(
    texts: Sequence[str], *, similar: float = SIMILAR, most: int = MOST_CLUSTERS
) -> list[tuple[int, list[str]]]:
    """Near-duplicate texts grouped: (how many times asked, distinct texts most asked first),
    the largest groups first. Texts that differ only in case, spacing or a final "?" count
    as one; each is shown as first written in `texts`."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        key = _normal(text)
        counts[key] += 1
        shown.setdefault(key, " ".join(text.split()))
    unique = sorted(counts, key=lambda t: (-counts[t], t))[:MOST_UNIQUE]
    if not unique:
        return []
    labels = _labels(unique, similar)
    groups: dict[int, list[str]] = {}
    for text, label in zip(unique, labels, strict=True):
        groups.setdefault(int(label), []).append(text)
    ranked = sorted(groups.values(), key=lambda g: (-sum(counts[t] for t in g), g[0]))
    return [(sum(counts[t] for t in g), [shown[t] for t in g]) for g in ranked[:most]]


def _labels(unique: list[str], similar: float) -> Sequence[int]:
    if len(unique) == 1:
        return [0]
    # Imported here: scikit-learn is for the report, built on the owner's request in a worker
    # thread; a serving process that never builds one never pays for it.
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        matrix = vectors.fit_transform(unique)
    except ValueError:  # nothing to learn from (no n-grams at all)
        return list(range(len(unique)))
    distances = np.clip(1.0 - cosine_similarity(matrix), 0.0, None)
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1 - similar
    )
    labels: Sequence[int] = model.fit_predict(distances)
    return labels


def _nearest(engine: Engine, examples: Sequence[str]) -> Nearest | None:
    hits = engine.search(" ".join(examples[:3]), 1)
    if not hits or hits[0].score <= 0:
        return None
    return Nearest(hits[0].clause.id, hits[0].clause.text, hits[0].score)


# --- building --------------------------------------------------------------------------------


def since_day(days: int, today: date) -> date:
    return today - timedelta(days=days - 1)


def build(summary: Summary, engine: Engine, days: int, today: date) -> Report:
    """The report over `days` days up to `today` (UTC), from the store's summary."""
    first = since_day(days, today)
    counts: dict[date, dict[str, int]] = {
        first + timedelta(n): dict.fromkeys(STATUSES, 0) for n in range(days)
    }
    for day, status, n in summary.per_day:
        if day in counts and status in counts[day]:
            counts[day][status] += n
    clusters = [
        Cluster(n, tuple(examples[:EXAMPLES]), _nearest(engine, examples))
        for n, examples in cluster(summary.unanswered)
    ]
    texts = {
        tally.key: found.text
        for tally in summary.clauses
        if (found := engine.policy.clause(tally.key)) is not None
    }
    return Report(
        days=days,
        since=first,
        until=today,
        policy=engine.policy.title,
        version=policy_digest(engine.policy),
        per_day=[Day(day, c) for day, c in counts.items()],
        channels={channel: summary.channels.get(channel, 0) for channel in CHANNELS},
        votes=summary.votes,
        helpful=summary.helpful,
        intents=summary.intents,
        clauses=summary.clauses,
        clause_texts=texts,
        unanswered=clusters,
        comments=summary.comments,
    )


async def make_report(
    store: Store, engine: Engine, days: int, *, now: datetime | None = None
) -> Report:
    """Read the store, then cluster in a worker thread (it takes a while on many questions)."""
    today = (now or datetime.now(UTC)).date()
    since = datetime.combine(since_day(days, today), time())
    summary = await store.summary(since)
    return await asyncio.get_running_loop().run_in_executor(
        None, build, summary, engine, days, today
    )


# --- output ----------------------------------------------------------------------------------


def _tally_json(tally: Tally, key: str, **extra: Any) -> dict[str, Any]:
    return {
        key: tally.key,
        **extra,
        "questions": tally.questions,
        "votes": tally.votes,
        "helpful": tally.helpful,
        "helpful_rate": rate(tally.helpful, tally.votes),
    }


def report_json(report: Report) -> dict[str, Any]:
    answer_rate = report.answer_rate
    return {
        "days": report.days,
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "policy": {"title": report.policy, "version": report.version},
        "questions": report.questions,
        "answer_rate": round(answer_rate, 4) if answer_rate is not None else None,
        "per_day": [{"day": d.day.isoformat(), **d.counts} for d in report.per_day],
        "channels": report.channels,
        "helpful": {
            "votes": report.votes,
            "helpful": report.helpful,
            "rate": rate(report.helpful, report.votes),
        },
        "intents": [_tally_json(t, "intent") for t in report.intents],
        "clauses": [
            _tally_json(t, "clause_id", text=report.clause_texts.get(t.key)) for t in report.clauses
        ],
        "unanswered": [
            {
                "count": c.count,
                "examples": list(c.examples),
                "nearest_clause": None
                if c.nearest is None
                else {
                    "clause_id": c.nearest.clause_id,
                    "text": c.nearest.text,
                    "score": round(c.nearest.score, 4),
                },
            }
            for c in report.unanswered
        ],
        "comments": [
            {
                "minute": c.minute.replace(tzinfo=UTC).isoformat(),
                "helpful": c.helpful,
                "intent": c.intent,
                "clause_id": c.clause_id,
                "comment": c.comment,
            }
            for c in report.comments
        ],
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def lines(report: Report, most: int = 10) -> list[str]:
    """The report as text for a terminal."""
    out = [
        f"Insights for {report.policy!r} (version {report.version}), "
        f"{report.since} to {report.until} ({report.days} days, UTC)",
        "",
        f"questions: {report.questions}   answer rate: {_percent(report.answer_rate)}   "
        f"helpful: {_percent(rate(report.helpful, report.votes))} of {report.votes} vote(s)",
        "by channel: " + ", ".join(f"{k} {v}" for k, v in report.channels.items()),
        "",
        "day         " + " ".join(f"{s:>12}" for s in STATUSES),
    ]
    out += [
        f"{d.day}  " + " ".join(f"{d.counts[s]:>12}" for s in STATUSES)
        for d in report.per_day
        if d.total
    ]
    out += ["", "clauses asked about most (questions, helpful rate):"]
    for t in report.clauses[:most]:
        text = report.clause_texts.get(t.key, "(no longer in the policy)")
        short = text if len(text) <= 70 else text[:67] + "..."
        out.append(f"  {t.questions:>5}  {_percent(rate(t.helpful, t.votes)):>4}  {t.key}: {short}")
    out += ["", "intents (questions, helpful rate):"]
    out += [
        f"  {t.questions:>5}  {_percent(rate(t.helpful, t.votes)):>4}  {t.key}"
        for t in report.intents[:most]
    ]
    out += ["", "unanswered, grouped (count, examples, nearest clause):"]
    for n, c in enumerate(report.unanswered[:most], 1):
        out.append(f"  {n}. asked {c.count} time(s): " + " | ".join(c.examples[:3]))
        if c.nearest is not None:
            out.append(f"     nearest clause: {c.nearest.clause_id} ({c.nearest.score:.2f})")
    if report.comments:
        out += ["", "comments:"]
        out += [f"  {c.minute:%Y-%m-%d %H:%M}  {c.comment}" for c in report.comments[:most]]
    return out


def _cell(text: str) -> str:
    # Visitors wrote these: a spreadsheet must not read "=HYPERLINK(...)" as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(report: Report) -> str:
    """The report in long form, one figure a row: section, item, metric, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "item", "metric", "value"])
    for d in report.per_day:
        for status, n in d.counts.items():
            writer.writerow(["per_day", d.day.isoformat(), status, n])
    for channel, n in report.channels.items():
        writer.writerow(["channels", channel, "questions", n])
    for section, tallies in (("intents", report.intents), ("clauses", report.clauses)):
        for t in tallies:
            writer.writerow([section, t.key, "questions", t.questions])
            writer.writerow([section, t.key, "votes", t.votes])
            writer.writerow([section, t.key, "helpful", t.helpful])
    for n, group in enumerate(report.unanswered, 1):
        writer.writerow(["unanswered", n, "count", group.count])
        for example in group.examples:
            writer.writerow(["unanswered", n, "example", _cell(example)])
        if group.nearest is not None:
            writer.writerow(["unanswered", n, "nearest_clause", group.nearest.clause_id])
    for remark in report.comments:
        writer.writerow(["comments", remark.minute.isoformat(), "comment", _cell(remark.comment)])
    return buffer.getvalue()
