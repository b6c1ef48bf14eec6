"""The answering engine: a question in, an Answer citing the policy's clauses out. Pure and
synchronous (no aiohttp here), built once from a policy and its intents, then read-only.

    engine = Engine.from_policy(Path("privacy.md"))
    answer = engine.answer("do you sell my email?")
    answer.status, answer.answer, answer.citations[0].clause.id, answer.confidence
    hits = engine.search("cookies", limit=5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from qa_service import language
from qa_service.config import DEFAULT_INTENTS, Settings
from qa_service.corpus import Contact, Policy, load_policy
from qa_service.engine.analysis import Analyzer, Query
from qa_service.engine.cache import DigestCache
from qa_service.engine.compose import Composer
from qa_service.engine.decision import Evidence, decide
from qa_service.engine.results import STATUSES, Answer, Citation, SearchHit, Status
from qa_service.engine.retrieval import ClauseIndex, Floats, Match, Reading, top
from qa_service.engine.routing import Route, Router, resolve
from qa_service.engine.search import Searcher
from qa_service.engine.tuning import Tuning
from qa_service.intents import IntentSet, intent_files, load_intents

__all__ = [
    "STATUSES",
    "Answer",
    "Assessment",
    "Citation",
    "Engine",
    "Evidence",
    "SearchHit",
    "Status",
    "Tuning",
]


class Engine:
    """Answers and searches one policy. Build it with `from_policy` or `from_settings`."""

    def __init__(
        self,
        policy: Policy,
        intents: IntentSet,
        *,
        contact: Contact | None = None,
        tuning: Tuning | None = None,
        answer_cache: int = 0,
    ) -> None:
        self.policy = policy
        self.intents = intents
        self.contact = contact or policy.contact
        self.tuning = tuning or Tuning()
        self.analyzer = Analyzer(
            intents.shorthand,
            intents.synonyms,
            [c.text for c in policy.clauses]
            + [s.title for s in policy.sections]
            + [e for i in intents.intents for e in (*i.examples, *i.evidence, i.question or "")],
            intents.lexicon,
        )
        # The words of the company's and product's names: many questions say them.
        generic = set(self.analyzer.known_terms("privacy policy statement notice inc ltd llc"))
        names = frozenset(self.analyzer.known_terms(f"{policy.title} {policy.owner or ''}"))
        self._clauses = ClauseIndex(
            policy.clauses,
            self.analyzer,
            intents.lexicon.question_types,
            self.tuning,
            names - generic,
        )
        self.routes = resolve(intents.intents, policy, self._clauses.values)
        self._router = Router(self.routes, self.analyzer, self.tuning)
        self._composer = Composer(
            policy, self.contact, intents.responses, self.routes, self.analyzer, self.tuning
        )
        self._searcher = Searcher(policy, self.analyzer, self.clause_scores)
        # Terms a privacy policy would use: the policy's own, the lexicon's and those of the
        # intents about privacy.
        about_privacy = [word for group in intents.lexicon.related for word in group]
        about_privacy += [
            text
            for i in intents.intents
            if i.kind in ("answer", "topic", "handoff")
            for text in (*i.examples, *i.evidence)
        ]
        self._domain = self._clauses.terms | frozenset(
            t for text in about_privacy for t in self.analyzer.known_terms(text)
        )
        self._language = language.policy_language(policy)
        # Answers to repeated questions (a suggestion the widget offered, a popular one).
        self._cache = DigestCache(self._answer, answer_cache) if answer_cache > 0 else None

    @classmethod
    def from_policy(
        cls, path: Path, intents: Path = DEFAULT_INTENTS, *, answer_cache: int = 0
    ) -> Engine:
        """The policy file's engine, with the common intents and the curated file for that
        policy (`intents/<policy file name>.toml`) when there is one. Raises PolicyError or
        IntentError."""
        return cls(
            load_policy(path),
            load_intents(intent_files(intents, path)),
            answer_cache=answer_cache,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        """The engine for the service's settings: policy, intents, contact overrides."""
        policy = load_policy(settings.policy)
        contact = policy.contact
        if settings.contact_email or settings.contact_phone:
            contact = replace(
                contact,
                email=settings.contact_email or contact.email,
                phone=settings.contact_phone or contact.phone,
            )
        return cls(
            policy,
            load_intents(intent_files(settings.intents, settings.policy)),
            contact=contact,
            answer_cache=settings.answer_cache,
        )

    def starters(self, most: int = 3) -> list[str]:
        """The first questions the engine would suggest: what to offer before any is asked."""
        return [route.intent.question or "" for route in self._composer.pool[:most]]

    def clause_scores(self, query: Query) -> Floats:
        return self._clauses.scores(query, self._clauses.read(query))

    def answer(self, question: str) -> Answer:
        if self._cache is not None:
            return self._cache(question)
        return self._answer(question)

    def _answer(self, question: str) -> Answer:
        # A question in a language the policy is not written in is told so, in its language.
        found = language.detect(question, self._language)
        if found is not None and self._language.language is not None:
            return Answer(
                status="fallback",
                answer=language.reply_text(
                    found.language, self._language.language, self.policy.owner, self.contact
                ),
                citations=(),
                confidence=found.confidence,
                contact=self.contact,
                suggestions=(),
                language=found.language,
            )
        a = self.assess(question)
        decision = decide(self.tuning, a.route, a.evidence)
        return self._composer.answer(decision, a.query, a.scores, a.cited)

    def assess(self, question: str) -> Assessment:
        """What the decision reads: the route that matched, the clause an answer would cite
        first, and the evidence the confidence is computed from (`run.py tune` fits on it)."""
        query = self.analyzer.query(question)
        reading = self._clauses.read(query)
        scores = self._clauses.scores(query, reading)
        route_scores = self._router.scores(query, scores)
        route, _ = self._router.best(route_scores) or (None, 0.0)
        if route is not None and route.intent.kind == "answer" and not self._stands(route, scores):
            route = None  # retrieval found a far better clause: the curated answer misread
        cited = self._candidate(route, scores)
        evidence = self._evidence(query, reading, scores, route_scores, route, cited)
        return Assessment(query, scores, route, cited, evidence)

    def _stands(self, route: Route, scores: Floats) -> bool:
        """Whether a curated answer's clauses score at least `curated` of retrieval's first
        ("I have concerns about this statement" matched the intent about who owns it, but
        the clause saying whom to contact with concerns is retrieval's first)."""
        best = max((float(scores[c.position - 1]) for c in route.clauses), default=0.0)
        return best >= self.tuning.curated * float(scores.max(initial=0.0))

    def _candidate(self, route: Route | None, scores: Floats) -> int | None:
        """The clause the answer would cite first: a curated answer's own, written for this
        policy; else retrieval's first clause, which search ranks first too. A topic the
        question names decides that the question is answered, not which clause answers it."""
        if route is not None and route.intent.kind == "answer":
            return max((c.position - 1 for c in route.clauses), key=scores.item)
        if not scores.size or scores.max() <= 0:
            return None
        return int(scores.argmax())

    def _evidence(
        self,
        query: Query,
        reading: Reading,
        scores: Floats,
        route_scores: Floats,
        route: Route | None,
        cited: int | None,
    ) -> Evidence:
        score = float(scores[cited]) if cited is not None else 0.0
        # The best score of another clause: the second best if the cited clause is the best.
        ranked = top(scores, 2)
        other = [float(scores[i]) for i in ranked.tolist() if i != cited][:1]
        match = self._clauses.match(reading, cited) if cited is not None else Match(0.0, 1.0, 0.0)
        return Evidence(
            score=score,
            lead=score - other[0] if other else score,
            coverage=match.coverage,
            unknown=match.unknown,
            rarest=match.rarest,
            domain=self._domain_share(query),
            terms=math.log1p(len(query.terms)),
            intent=self._router.intent_strength(route_scores),
            topic=float(route is not None and route.intent.kind == "topic" and bool(route.clauses)),
            typed=self._clauses.typed(reading, cited) if cited is not None else 0.0,
        )

    def _domain_share(self, query: Query) -> float:
        """The share of the question's terms that a privacy policy would use."""
        if not query.terms:
            return 0.0
        return sum(t in self._domain for t in query.terms) / len(query.terms)

    def search(self, query: str, limit: int = 5, *, prefix: bool = False) -> list[SearchHit]:
        """Clauses ranked against the query; with `prefix`, its last word may be unfinished."""
        return self._searcher.search(query, limit, prefix=prefix)


@dataclass(frozen=True, slots=True)
class Assessment:
    query: Query
    scores: Floats  # every clause's retrieval score
    route: Route | None
    cited: int | None  # index of the clause an answer would cite first
    evidence: Evidence
