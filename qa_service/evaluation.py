"""Score the engine on labelled questions: status accuracy, the right clause first, whether
unanswerable questions are left unanswered, AUROC and a reliability table of the confidence,
and the same ranking figures for plain TF-IDF and BM25 over the same clauses.

A labelled file holds JSON lines {"question", "status", "clause": [phrases], "kind",
"split"}: a citation is right when its clause contains one of the phrases. A directory holds
policies (`name.md`, `.txt` or `.html`) each beside its labelled file (`name.jsonl`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa_service.corpus import Clause, Policy
from qa_service.engine import STATUSES, Answer, Engine
from qa_service.engine.analysis import fold, split
from qa_service.engine.retrieval import BM25Index, Floats, TermIndex

UNANSWERED = ("fallback", "out_of_scope")  # what a question the policy does not answer gets
POLICY_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    status: str
    clauses: tuple[str, ...]  # phrases, any of which a right citation's clause contains
    split: str  # "dev" (tuning may look at it) or "test" (never)
    kind: str
    line: int

    def right(self, clause: Clause | None) -> bool:
        return clause is not None and any(fold(p) in fold(clause.text) for p in self.clauses)


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    answer: Answer
    searched: Clause | None  # what search ranks first for the question

    @property
    def cited(self) -> Clause | None:
        return self.answer.citations[0].clause if self.answer.citations else None

    @property
    def correct(self) -> bool:
        """The right status and, for an answer, the right clause first."""
        if self.answer.status != self.case.status:
            return False
        return (
            self.case.status != "answered" or not self.case.clauses or self.case.right(self.cited)
        )

    @property
    def answerable(self) -> bool:
        return self.case.status == "answered"


def auroc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """The probability that a random positive scores above a random negative (ties: half)."""
    pos = np.asarray([s for lab, s in zip(labels, scores, strict=True) if lab])
    neg = np.asarray([s for lab, s in zip(labels, scores, strict=True) if not lab])
    if not pos.size or not neg.size:
        return None
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (pos.size * neg.size))


@dataclass
class Report:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    baselines: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def _share(self, hits: Iterable[bool]) -> float | None:
        values = list(hits)
        return sum(values) / len(values) if values else None

    @property
    def accuracy(self) -> float:
        return self._share(o.correct for o in self.outcomes) or 0.0

    def status_accuracy(self, status: str) -> tuple[int, int]:
        of = [o for o in self.outcomes if o.case.status == status]
        return sum(o.correct for o in of), len(of)

    @property
    def answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.answerable and o.case.clauses]

    @property
    def right_first(self) -> float | None:
        """Of answerable questions, the share answered citing the right clause first."""
        return self._share(
            o.answer.status == "answered" and o.case.right(o.cited) for o in self.answerable
        )

    @property
    def search_first(self) -> float | None:
        return self._share(o.case.right(o.searched) for o in self.answerable)

    @property
    def abstained(self) -> float | None:
        """Of questions the policy does not answer, the share not answered."""
        return self._share(
            o.answer.status != "answered" for o in self.outcomes if o.case.status in UNANSWERED
        )

    @property
    def auroc(self) -> float | None:
        """How well the confidence ranks answerable above unanswerable questions."""
        scored = [o for o in self.outcomes if o.answerable or o.case.status in UNANSWERED]
        return auroc([o.answerable for o in scored], [o.answer.confidence for o in scored])

    def reliability(self, bins: int = 5) -> list[tuple[float, float, int, float | None]]:
        """Per confidence bin of answered questions: (low, high, count, share right)."""
        answered = [o for o in self.outcomes if o.answer.status == "answered"]
        out: list[tuple[float, float, int, float | None]] = []
        for k in range(bins):
            low, high = k / bins, (k + 1) / bins
            inside = [
                o
                for o in answered
                if low <= o.answer.confidence < high
                or (k == bins - 1 and o.answer.confidence == 1.0)
            ]
            out.append((low, high, len(inside), self._share(o.correct for o in inside)))
        return out


def load_cases(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["status"] not in STATUSES:
            raise ValueError(f"{path}:{n}: unknown status {row['status']!r}")
        clauses = row.get("clause") or []
        cases.append(
            Case(
                question=row["question"],
                status=row["status"],
                clauses=tuple([clauses] if isinstance(clauses, str) else clauses),
                split=row.get("split", "dev"),
                kind=row.get("kind", ""),
                line=n,
            )
        )
    return cases


def labelled_policies(directory: Path) -> list[tuple[Path, Path]]:
    """The (policy, labelled questions) pairs of a directory, by name."""
    pairs = []
    for labelled in sorted(directory.glob("*.jsonl")):
        policy = next(
            (p for s in POLICY_SUFFIXES if (p := labelled.with_suffix(s)).is_file()), None
        )
        if policy is not None:
            pairs.append((policy, labelled))
    return pairs


def _baseline(
    policy: Policy, cases: Sequence[Case], score: Callable[[str], Floats]
) -> tuple[float | None, float | None]:
    """Right clause first and AUROC (top score as answerability) of a plain ranker."""
    right, labels, tops = [], [], []
    for case in cases:
        scores = score(case.question)
        best = int(np.argmax(scores)) if scores.size else -1
        clause = policy.clauses[best] if best >= 0 and scores[best] > 0 else None
        if case.status == "answered" and case.clauses:
            right.append(case.right(clause))
        if case.status == "answered" or case.status in UNANSWERED:
            labels.append(case.status == "answered")
            tops.append(float(scores[best]) if best >= 0 else 0.0)
    return (sum(right) / len(right) if right else None), auroc(labels, tops)


def baselines(
    policy: Policy, cases: Sequence[Case]
) -> dict[str, tuple[float | None, float | None]]:
    """Plain TF-IDF and BM25 over the policy's clauses: every word, no stop list, no stemming."""
    docs = [split(c.text) for c in policy.clauses]
    tfidf, bm25 = TermIndex(docs), BM25Index(docs)
    return {
        "tf-idf": _baseline(policy, cases, lambda q: tfidf.scores(split(q))),
        "bm25": _baseline(policy, cases, lambda q: bm25.scores(split(q))),
    }


def evaluate(engine: Engine, cases: Sequence[Case], name: str = "") -> Report:
    report = Report(name or engine.policy.title)
    for case in cases:
        hits = engine.search(case.question, 1)
        report.outcomes.append(
            Outcome(case, engine.answer(case.question), hits[0].clause if hits else None)
        )
    report.baselines = baselines(engine.policy, cases)
    return report


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.1%}"


def _auc(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def table(reports: Sequence[Report]) -> list[str]:
    """One row per report and a pooled row: the engine's figures, then the baselines'."""
    head = (
        f"{'policy':<28}{'n':>4}  {'status':>6}  {'answer':>6}  {'search':>6}  "
        f"{'abstain':>7}  {'AUROC':>5}  {'tf-idf':>6} {'AUROC':>5}  {'bm25':>6} {'AUROC':>5}"
    )
    lines = [head, "-" * len(head)]
    rows = list(reports)
    if len(rows) > 1:
        pooled = Report("pooled", [o for r in rows for o in r.outcomes])
        pooled.baselines = {
            name: (
                _mean([r.baselines[name][0] for r in rows], [len(r.answerable) for r in rows]),
                None,
            )
            for name in ("tf-idf", "bm25")
        }
        rows.append(pooled)
    for r in rows:
        tfidf = r.baselines.get("tf-idf", (None, None))
        bm25 = r.baselines.get("bm25", (None, None))
        lines.append(
            f"{r.name[:28]:<28}{len(r.outcomes):>4}  {_pct(r.accuracy):>6}  "
            f"{_pct(r.right_first):>6}  {_pct(r.search_first):>6}  {_pct(r.abstained):>7}  "
            f"{_auc(r.auroc):>5}  "
            f"{_pct(tfidf[0]):>6} {_auc(tfidf[1]):>5}  {_pct(bm25[0]):>6} {_auc(bm25[1]):>5}"
        )
    return lines


def _mean(values: Sequence[float | None], weights: Sequence[int]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


LEGEND = (
    "status: right status (and clause, when answered); answer: answerable questions answered "
    "with the right clause first; search: search's first clause right; abstain: unanswerable "
    "and off-topic questions not answered; AUROC: confidence ranking answerable above "
    "unanswerable; tf-idf, bm25: plain rankers' first clause right, and their AUROC."
)


def details(report: Report) -> list[str]:
    """Accuracy per status, the reliability of the confidence, and every miss."""
    out = [f"{'status':<14}{'correct':>9}{'total':>7}{'accuracy':>10}"]
    for status in STATUSES:
        ok, n = report.status_accuracy(status)
        if n:
            out.append(f"{status:<14}{ok:>9}{n:>7}{ok / n:>10.1%}")
    n = len(report.outcomes)
    out.append(
        f"{'all':<14}{sum(o.correct for o in report.outcomes):>9}{n:>7}{report.accuracy:>10.1%}"
    )
    out += ["", "confidence of answers   count   right"]
    for low, high, count, share in report.reliability():
        out.append(f"  {low:.1f}-{high:.1f}           {count:>7}   {_pct(share)}")
    misses = [o for o in report.outcomes if not o.correct]
    if misses:
        out += ["", f"misses ({len(misses)}):"]
    for o in misses:
        got = o.answer
        cited = o.cited.text[:70] if o.cited else "-"
        expected = o.case.status + (f" [{o.case.clauses[0][:40]}]" if o.case.clauses else "")
        out.append(
            f"  line {o.case.line}: {o.case.question!r}\n"
            f"    expected {expected}\n"
            f"    got      {got.status} ({got.confidence:.2f}, {got.intent or 'retrieval'}) {cited}"
        )
    return out
