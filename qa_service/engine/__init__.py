"""The answering engine: a question in, an Answer citing the policy's clauses out. Pure and
synchronous (no aiohttp here), built once from a policy and its intents, then read-only.

    engine = Engine.from_policy(Path("privacy.md"))
    answer = engine.answer("do you sell my email?")
    answer.status, answer.answer, answer.citations[0].clause.id, answer.confidence
    hits = engine.search("cookies", limit=5)
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qa_service.config import DEFAULT_INTENTS, Settings
from qa_service.corpus import Contact, Policy, load_policy
from qa_service.engine.analysis import Analyzer, Query, ngrams
from qa_service.engine.compose import Composer
from qa_service.engine.decision import decide
from qa_service.engine.results import STATUSES, Answer, Citation, SearchHit, Status
from qa_service.engine.retrieval import Floats, TermIndex
from qa_service.engine.routing import Router, resolve
from qa_service.engine.search import Searcher
from qa_service.engine.tuning import Tuning
from qa_service.intents import IntentSet, intent_files, load_intents

__all__ = ["STATUSES", "Answer", "Citation", "Engine", "SearchHit", "Status", "Tuning"]


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
        )
        clause_terms = [self.analyzer.known_terms(f"{c.text} {c.section}") for c in policy.clauses]
        self._clauses = TermIndex([ngrams(terms) for terms in clause_terms])
        self.routes = resolve(intents.intents, policy)
        self._router = Router(self.routes, self.analyzer, self.tuning, len(policy.clauses))
        self._composer = Composer(
            policy, self.contact, intents.responses, self.routes, self.analyzer, self.tuning
        )
        self._searcher = Searcher(policy, self.analyzer, self.clause_scores)
        # Terms a privacy policy would use: the policy's own and those of the intents about it.
        about_privacy = [
            text
            for i in intents.intents
            if i.kind in ("answer", "topic", "handoff")
            for text in (*i.examples, *i.evidence)
        ]
        self._domain = frozenset(t for terms in clause_terms for t in terms) | frozenset(
            t for text in about_privacy for t in self.analyzer.known_terms(text)
        )
        self._cache = _AnswerCache(answer_cache) if answer_cache > 0 else None

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
        return self._clauses.scores(query.features)

    def answer(self, question: str) -> Answer:
        if self._cache is not None:
            return self._cache.get(question, self._answer)
        return self._answer(question)

    def _answer(self, question: str) -> Answer:
        query = self.analyzer.query(question)
        clause_scores = self.clause_scores(query)
        route_scores = self._router.scores(query, clause_scores)
        route, route_score = self._router.best(route_scores) or (None, 0.0)
        decision = decide(
            self.tuning,
            route,
            route_score,
            float(clause_scores.max()) if clause_scores.size else 0.0,
            self._router.nearest(route_scores),
            self._domain_share(query),
        )
        return self._composer.answer(decision, query, clause_scores)

    def _domain_share(self, query: Query) -> float:
        """The share of the question's terms that a privacy policy would use."""
        if not query.terms:
            return 0.0
        return sum(t in self._domain for t in query.terms) / len(query.terms)

    def search(self, query: str, limit: int = 5, *, prefix: bool = False) -> list[SearchHit]:
        """Clauses ranked against the query; with `prefix`, its last word may be unfinished."""
        return self._searcher.search(query, limit, prefix=prefix)


class _AnswerCache:
    """Answers to repeated questions (a suggestion the widget offered, a popular one), kept
    under a digest of the question: the cache holds no text a visitor typed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[bytes, Answer] = OrderedDict()
        self._lock = threading.Lock()  # the engine also runs in the worker thread

    def get(self, question: str, compute: Callable[[str], Answer]) -> Answer:
        key = hashlib.blake2b(question.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            if (found := self._answers.get(key)) is not None:
                self._answers.move_to_end(key)
                return found
        answer = compute(question)
        with self._lock:
            self._answers[key] = answer
            if len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
