"""Score the engine on a labelled question set: accuracy per status and every miss."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa_service.engine import STATUSES, Answer, Engine
from qa_service.engine.analysis import fold


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    status: str
    clauses: tuple[str, ...]  # phrases, any of which the top citation must contain
    line: int


@dataclass(frozen=True, slots=True)
class Miss:
    case: Case
    got: Answer


@dataclass
class Report:
    total: dict[str, int] = field(default_factory=dict)
    correct: dict[str, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        n = sum(self.total.values())
        return sum(self.correct.values()) / n if n else 0.0

    def lines(self) -> list[str]:
        out = [f"{'status':<14}{'correct':>9}{'total':>7}{'accuracy':>10}"]
        for status in STATUSES:
            n = self.total.get(status, 0)
            if n:
                ok = self.correct.get(status, 0)
                out.append(f"{status:<14}{ok:>9}{n:>7}{ok / n:>10.1%}")
        n = sum(self.total.values())
        out.append(f"{'all':<14}{sum(self.correct.values()):>9}{n:>7}{self.accuracy:>10.1%}")
        if self.misses:
            out.append("")
            out.append(f"misses ({len(self.misses)}):")
        for miss in self.misses:
            got = miss.got
            route = got.intent or "retrieval"
            cited = got.citations[0].clause.text[:70] if got.citations else "-"
            expected = miss.case.status
            if miss.case.clauses:
                expected += f" [{miss.case.clauses[0][:40]}]"
            out.append(
                f"  line {miss.case.line}: {miss.case.question!r}\n"
                f"    expected {expected}\n"
                f"    got      {got.status} ({got.confidence:.2f}, {route}) {cited}"
            )
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
                row["question"],
                row["status"],
                tuple([clauses] if isinstance(clauses, str) else clauses),
                n,
            )
        )
    return cases


def is_correct(case: Case, got: Answer) -> bool:
    if got.status != case.status:
        return False
    if case.status != "answered" or not case.clauses:
        return True
    top = fold(got.citations[0].clause.text) if got.citations else ""
    return any(fold(phrase) in top for phrase in case.clauses)


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        got = engine.answer(case.question)
        report.total[case.status] = report.total.get(case.status, 0) + 1
        if is_correct(case, got):
            report.correct[case.status] = report.correct.get(case.status, 0) + 1
        else:
            report.misses.append(Miss(case, got))
    return report
