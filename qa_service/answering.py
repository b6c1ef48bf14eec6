"""Question to Answer: the engine's decisions, pure and synchronous (no aiohttp here).

The engine is built once from a policy and intent files; `answer()` and `search()` are
then cheap, read-only and safe to call from any number of requests at once.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from qa_service import kernels
from qa_service.config import Settings
from qa_service.corpus import Clause, Contact, Policy, load_policy
from qa_service.errors import IntentError
from qa_service.intents import Intent, IntentSet, intent_files, load_intents
from qa_service.matching import (
    Analyzer,
    DigestCache,
    Floats,
    FuzzyIndex,
    Query,
    ScoreBank,
    TermIndex,
    char_ngrams,
    fold,
    ngrams,
    pack,
    sort_tokens,
    top,
)

Status = Literal["answered", "fallback", "out_of_scope", "handoff", "smalltalk"]
STATUSES: tuple[Status, ...] = ("answered", "fallback", "out_of_scope", "handoff", "smalltalk")

# Sentences that lean on the one before them ("This is all kept strictly confidential.")
# are shown with it, so the quoted answer makes sense on its own.
_ANAPHOR = re.compile(r"^(this|these|that|those|it|they|such|however|however,)\b", re.I)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the calibrated confidence splits the statuses; see docs and `run.py eval`."""

    intent: float = 0.45  # a curated intent's example matches well enough to trust it
    topic: float = 0.55  # the same for the generic privacy topics
    chat: float = 0.5  # the same for smalltalk, handoff and off-topic intents
    clause: float = 0.3  # a clause alone answers the question
    domain: float = 0.5  # share of the question's words a privacy policy would use
    related: float = 0.6  # other citations must score this share of the best one
    support: float = 0.5  # weight of the cited clause's own retrieval score in an intent's
    cue: float = 0.25  # added to an intent whose cue phrase the question contains
    max_citations: int = 3


@dataclass(frozen=True, slots=True)
class Citation:
    clause: Clause
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    status: Status
    answer: str
    citations: tuple[Citation, ...]
    confidence: float
    contact: Contact
    suggestions: tuple[str, ...]
    intent: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    clause: Clause
    score: float
    matched: tuple[str, ...]  # words of the clause that matched the query


@dataclass(slots=True)
class _Route:
    intent: Intent
    clauses: tuple[Clause, ...] = ()  # for answer intents and covered topics


_NO_COLUMNS = array("q")


@dataclass(frozen=True, slots=True)
class _Word:
    """What scoring needs of one word of a question."""

    term: str | None
    columns: array[int]  # its term's columns in the score bank, then its character n-grams'
    domain: bool  # its term is one a privacy policy would use


@dataclass(frozen=True, slots=True)
class _Read:
    query: Query
    columns: npt.NDArray[np.int64]  # in the score bank, every index's
    domain: float  # share of the terms a privacy policy would use


@dataclass(frozen=True, slots=True)
class _Signals:
    query: Query
    clause_scores: Floats
    intent_scores: Floats  # best example score per intent
    domain: float
    pool_scores: Floats  # of the suggestion pool's questions


@dataclass
class Engine:
    policy: Policy
    intents: IntentSet
    thresholds: Thresholds = field(default_factory=Thresholds)
    contact_override: Contact | None = None
    answer_cache: int = 0  # answers kept for repeated questions; 0 turns the cache off

    def __post_init__(self) -> None:
        policy, intents = self.policy, self.intents
        # Answers are immutable and depend only on the question, so a repeated question (a
        # suggestion the widget offered, a popular one) can be answered from memory.
        self._cached = (
            DigestCache(self._answer, self.answer_cache) if self.answer_cache > 0 else None
        )
        self._filled: dict[str, str] = {}
        self.analyzer = Analyzer(intents.shorthand, intents.synonyms)
        self.analyzer.learn(
            [c.text for c in policy.clauses]
            + [s.title for s in policy.sections]
            + [e for i in intents.intents for e in (*i.examples, *i.evidence, i.question or "")]
        )
        clause_terms = [
            self.analyzer.terms(self.analyzer.raw_words(f"{c.text} {c.section}"))
            for c in policy.clauses
        ]
        self.clause_index = TermIndex([ngrams(t) for t in clause_terms])
        self._clause_words = [set(self.analyzer.raw_words(c.text)) for c in policy.clauses]
        # What an unfinished last word may complete to, in search as you type: the clauses'
        # words, those in the most clauses first.
        in_clauses = Counter(w for words in self._clause_words for w in words if w.isalpha())
        self._completions = sorted(in_clauses, key=lambda w: (-in_clauses[w], w))
        self.routes = [self._route(i) for i in intents.intents]
        # Answer intents with cited clauses, and those clauses in one array, so the support
        # their clauses' retrieval scores give is one reduceat per question.
        supported = [
            (n, np.asarray([c.position - 1 for c in r.clauses], dtype=np.int64))
            for n, r in enumerate(self.routes)
            if r.intent.kind == "answer" and r.clauses
        ]
        self._supported = np.asarray([n for n, _ in supported], dtype=np.int64)
        self._supported_clauses = np.concatenate(
            [c for _, c in supported] or [np.zeros(0, dtype=np.int64)]
        )
        self._supported_starts = np.cumsum([0, *[c.size for _, c in supported][:-1]]).astype(
            np.int64
        )
        bars = {"answer": self.thresholds.intent, "topic": self.thresholds.topic}
        self._bar = np.asarray(
            [bars.get(r.intent.kind, self.thresholds.chat) for r in self.routes], dtype=np.float64
        )
        # Cue phrases by their first word. Words are [a-z0-9]+ and joined by one space, so a
        # phrase is in the question exactly when its words follow one another there.
        self._cues: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
        cues = [(n, c) for n, route in enumerate(self.routes) for c in route.intent.cues]
        for k, (n, cue) in enumerate(cues):
            phrase = tuple(self.analyzer.raw_words(cue))
            if phrase:
                self._cues.setdefault(phrase[0], []).append((k, n, phrase))

        owners: list[int] = []
        word_docs: list[list[str]] = []
        char_docs: list[list[str]] = []
        self._example_texts: list[str] = []
        for n, intent in enumerate(intents.intents):
            for example in (*intent.examples, *([intent.question] if intent.question else [])):
                words = self.analyzer.raw_words(example)
                owners.append(n)
                word_docs.append(ngrams(self.analyzer.terms(words)))
                char_docs.append(char_ngrams(words))
                self._example_texts.append(" ".join(words))
        self._example_owner = np.asarray(owners, dtype=np.int64)
        # Examples come intent by intent: each intent's best is a maximum over one run.
        self._owners, self._owner_starts = np.unique(self._example_owner, return_index=True)
        self.example_words = TermIndex(word_docs)
        self.example_chars = TermIndex(char_docs)
        self.example_fuzzy = FuzzyIndex(self._example_texts)

        in_domain = [
            e
            for i in intents.intents
            if i.kind in ("answer", "topic", "handoff")
            for e in (*i.examples, *i.evidence)
        ]
        self.domain_terms = frozenset(t for terms in clause_terms for t in terms) | frozenset(
            t for text in in_domain for t in self.analyzer.terms(self.analyzer.raw_words(text))
        )
        # Suggestions: curated questions first, then covered topics that no curated
        # question already answers, so visitors are not offered the same thing twice.
        curated = [r for r in self.routes if r.intent.kind == "answer" and r.intent.question]
        cited = {c.id for r in curated for c in r.clauses}
        topics = [
            r
            for r in self.routes
            if r.intent.kind == "topic" and r.intent.question and r.clauses
            if not cited & {c.id for c in r.clauses}
        ]
        self.pool = [(r.intent.question or "", r) for r in (*curated, *topics)]
        self._pool_cites = [frozenset(c.id for c in r.clauses) for _, r in self.pool]
        self.pool_index = TermIndex(
            [
                ngrams(
                    self.analyzer.terms(
                        self.analyzer.raw_words(" ".join([q, *(c.text for c in r.clauses)]))
                    )
                )
                for q, r in self.pool
            ]
        )
        # Pool scores of a cited clause's own text, computed once per clause on first use.
        self._pool_by_clause: dict[int, Floats] = {}
        # Every index a question is scored against, in one gather; the character n-gram
        # columns of every known word are looked up once, here (visitors mostly reuse them).
        self._bank = ScoreBank(
            [self.clause_index, self.example_words, self.example_chars, self.pool_index]
        )
        # What scoring needs of each of the policy's own words, looked up once: visitors
        # mostly reuse them. Other words recur too (names, typos no known word is near);
        # their character n-gram columns are kept under a digest of the word, so the cache
        # holds numbers, not what was typed.
        # A term's or a pair of terms' columns in the word indexes (a term has no space).
        vocabularies = [self._bank.vocabularies[k] for k in (0, 1, 3)]
        self._feature_columns = {
            f: array("q", [j for v in vocabularies if (j := v.get(f)) is not None])
            for f in set().union(*vocabularies)
        }
        self._other_chars = DigestCache(self._char_columns, 8192)
        self._known_words = {
            word: self._word_of(word, self._char_columns(word)) for word in self.analyzer.known
        }
        # The first question compiles the kernels (or loads them from numba's cache), and so
        # does the first typo: here, not on a visitor's request.
        self._signals("privacy")
        kernels.ratios(np.frombuffer(b"privasy", dtype=np.uint8), *pack(["privacy"]), 1.0)

    def _char_columns(self, word: str) -> array[int]:
        return array("q", self._bank.columns(2, char_ngrams([word])))

    def _word_of(self, word: str, chars: array[int]) -> _Word:
        term = self.analyzer.term(word)
        if term is None:
            return _Word(None, chars, False)
        columns = self._feature_columns.get(term, _NO_COLUMNS) + chars
        return _Word(term, columns, term in self.domain_terms)

    def _word(self, word: str) -> _Word:
        found = self._known_words.get(word)
        return found if found is not None else self._word_of(word, self._other_chars(word))

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        """Load the policy and its intent files; raises PolicyError or IntentError."""
        policy = load_policy(settings.policy)
        intents = load_intents(intent_files(settings.intents, settings.policy))
        override = None
        if settings.contact_email or settings.contact_phone:
            own = policy.contact
            override = replace(
                own,
                email=settings.contact_email or own.email,
                phone=settings.contact_phone or own.phone,
            )
        return cls(policy, intents, contact_override=override, answer_cache=settings.answer_cache)

    # --- build -------------------------------------------------------------------------------

    def _find(self, phrase: str) -> list[Clause]:
        needle = " ".join(fold(phrase).split())
        return [c for c in self.policy.clauses if needle in " ".join(fold(c.text).split())]

    def _route(self, intent: Intent) -> _Route:
        if intent.kind == "answer":
            clauses: list[Clause] = []
            for phrase in intent.cite:
                found = self._find(phrase)
                if not found:
                    raise IntentError(
                        f"{intent.source}: intent '{intent.name}': no clause of the policy "
                        f"contains the cited phrase {phrase!r}"
                    )
                if len(found) > 1:
                    raise IntentError(
                        f"{intent.source}: intent '{intent.name}': the cited phrase {phrase!r} "
                        f"is in {len(found)} clauses; quote more of the one you mean"
                    )
                clauses += found
            return _Route(intent, tuple(clauses))
        if intent.kind == "topic":
            patterns = [
                re.compile(r"\b" + re.escape(" ".join(fold(p).split())) + r"\w*")
                for p in intent.evidence
            ]
            covered = tuple(
                c
                for c in self.policy.clauses
                if any(p.search(" ".join(fold(c.text).split())) for p in patterns)
            )
            return _Route(intent, covered)
        return _Route(intent)

    # --- contact and templates -----------------------------------------------------------------

    @property
    def contact(self) -> Contact:
        return self.contact_override or self.policy.contact

    def _fill(self, template: str) -> str:
        """A reply template with the owner and contact filled in (the same for every
        question, so each template is filled once)."""
        filled = self._filled.get(template)
        if filled is None:
            filled = self._filled[template] = self._fill_uncached(template)
        return filled

    def _fill_uncached(self, template: str) -> str:
        contact = self.contact
        parts = []
        if contact.email:
            parts.append(f"email {contact.email}")
        if contact.phone:
            parts.append(f"call {contact.phone}")
        return template.format(
            owner=self.policy.owner or "the company",
            email=contact.email or "",
            phone=contact.phone or "",
            contact=" or ".join(parts) or self.intents.responses["no_contact"],
        )

    # --- scoring -------------------------------------------------------------------------------

    def analyse(self, question: str) -> Query:
        words = self.analyzer.words(question)
        return Query(tuple(words), tuple(self.analyzer.terms(words)), " ".join(words))

    def _read(self, question: str) -> _Read:
        """The question's words and terms, and its columns in the score bank: each word's
        term and character n-grams, then each pair of terms."""
        words = self.analyzer.words(question)
        read = [self._word(w) for w in words]
        terms = [r.term for r in read if r.term is not None]
        columns = array("q")
        for r in read:
            columns += r.columns
        pairs = self._feature_columns
        for a, b in itertools.pairwise(terms):
            pair = pairs.get(f"{a} {b}")
            if pair is not None:
                columns += pair
        domain = sum([r.domain for r in read]) / len(terms) if terms else 0.0
        query = Query(tuple(words), tuple(terms), " ".join(words))
        return _Read(query, np.frombuffer(columns, dtype=np.int64), domain)

    def _signals(self, question: str) -> _Signals:
        read = self._read(question)
        query = read.query
        clause_scores, word_scores, char_scores, pool_scores = self._bank.scores(read.columns)
        # An intent gains when the question says one of its cue phrases ("how long").
        words = query.words
        said: set[int] = set()
        cues_said = np.zeros(len(self.routes), dtype=np.int64)
        for i, word in enumerate(words):
            for k, n, cue in self._cues.get(word, ()):
                if k not in said and words[i : i + len(cue)] == cue:
                    said.add(k)
                    cues_said[n] += 1
        # An answer intent gains when retrieval finds its clause too.
        fuzzy = self.example_fuzzy
        intent_scores = kernels.intent_scores(
            word_scores,
            char_scores,
            np.frombuffer(sort_tokens(query.text).encode("ascii"), dtype=np.uint8),
            *fuzzy.packed,
            fuzzy.choice_of,
            self._owner_starts,
            self._owners,
            clause_scores,
            self._supported,
            self._supported_starts,
            self._supported_clauses,
            self.thresholds.support,
            cues_said,
            self.thresholds.cue,
            self._bar,
        )
        return _Signals(query, clause_scores, intent_scores, read.domain, pool_scores)

    # --- answering -----------------------------------------------------------------------------

    def _quote(self, clause: Clause) -> str:
        previous = self.policy.previous(clause)
        if previous is not None and _ANAPHOR.match(clause.text):
            return f"{previous.text} {clause.text}"
        return clause.text

    def _ranked(self, clauses: Sequence[Clause], scores: Floats) -> list[Citation]:
        return [Citation(c, float(scores[c.position - 1])) for c in clauses]

    def _suggest(
        self, signals: _Signals, cited: Sequence[Clause], intent: str | None, limit: int = 3
    ) -> tuple[str, ...]:
        """Questions near this one and its clauses, never the one just answered."""
        if not self.pool:
            return ()
        excluded = {c.id for c in cited}
        scores = signals.pool_scores
        for clause in cited:
            scores = scores + self._pool_scores(clause)
        picked: list[str] = []
        for i in np.argsort(-scores, kind="stable").tolist():
            question, route = self.pool[i]
            if route.intent.name == intent or not excluded.isdisjoint(self._pool_cites[i]):
                continue
            picked.append(question)
            if len(picked) == limit:
                break
        return tuple(picked)

    def _pool_scores(self, clause: Clause) -> Floats:
        found = self._pool_by_clause.get(clause.position)
        if found is None:
            found = self.pool_index.scores(
                ngrams(self.analyzer.terms(self.analyzer.raw_words(clause.text)))
            )
            found.flags.writeable = False
            self._pool_by_clause[clause.position] = found
        return found

    def _make(
        self,
        signals: _Signals,
        status: Status,
        confidence: float,
        citations: Sequence[Citation] = (),
        text: str | None = None,
        intent: str | None = None,
    ) -> Answer:
        if text is None:
            template = self.intents.responses.get(status, self.intents.responses["fallback"])
            text = self._fill(template)
        return Answer(
            status=status,
            answer=text,
            citations=tuple(citations),
            confidence=round(float(min(max(confidence, 0.0), 1.0)), 3),
            contact=self.contact,
            suggestions=self._suggest(signals, [c.clause for c in citations], intent),
            intent=intent,
        )

    def _answered(
        self, signals: _Signals, citations: list[Citation], confidence: float, intent: Intent | None
    ) -> Answer:
        quoted: list[str] = []
        # A curated intent quotes every clause it cites; retrieval and topics quote the best.
        quote_all = intent is not None and intent.kind == "answer"
        for citation in citations[: len(citations) if quote_all else 1]:
            quote = self._quote(citation.clause)
            if not any(quote in q or citation.clause.text in q for q in quoted):
                quoted.append(quote)
        text = " ".join(quoted)
        if intent is not None and intent.lead:
            text = f"{intent.lead} {text}"
        return self._make(
            signals, "answered", confidence, citations, text, intent.name if intent else None
        )

    def _retrieve(self, scores: Floats) -> list[Citation]:
        order = top(scores, self.thresholds.max_citations)
        best = float(scores[order[0]])
        return [
            Citation(self.policy.clauses[int(i)], float(scores[i]))
            for i in order
            if scores[i] > 0 and scores[i] >= self.thresholds.related * best
        ]

    def _best_route(self, scores: Floats) -> int:
        """The best intent. A generic topic yields to a curated answer that also matches and
        cites one of the topic's clauses: that intent was written for this very policy."""
        passing: list[int] = (scores >= self._bar).nonzero()[0].tolist()
        if not passing:
            return -1
        ranked = sorted(passing, key=scores.item, reverse=True)  # stable: ties keep order
        n = ranked[0]
        route = self.routes[n]
        if route.intent.kind == "topic" and route.clauses:
            covered = {c.id for c in route.clauses}
            for m in ranked[1:]:
                other = self.routes[m]
                if other.intent.kind == "answer" and covered & {c.id for c in other.clauses}:
                    return m
        return n

    def answer(self, question: str) -> Answer:
        if self._cached is not None:
            return self._cached(question)
        return self._answer(question)

    def _answer(self, question: str) -> Answer:
        t = self.thresholds
        signals = self._signals(question)
        clause_scores = signals.clause_scores
        best_clause = float(clause_scores.max()) if clause_scores.size else 0.0
        n = self._best_route(signals.intent_scores)
        intent_score = float(signals.intent_scores[n]) if n >= 0 else 0.0

        if n >= 0:
            route = self.routes[n]
            intent = route.intent
            if intent.kind == "answer" or (intent.kind == "topic" and route.clauses):
                citations = self._ranked(route.clauses, clause_scores)
                if intent.kind == "topic":
                    citations.sort(key=lambda c: -c.score)
                    best = citations[0].score
                    citations = [c for c in citations if c.score >= t.related * best]
                    citations = citations[: t.max_citations]
                return self._answered(signals, citations, intent_score, intent)
            if intent.kind == "topic":
                return self._make(signals, "fallback", intent_score, intent=intent.name)
            text = self._fill(intent.response) if intent.response else None
            return self._make(signals, intent.kind, intent_score, text=text, intent=intent.name)

        if best_clause >= t.clause:
            return self._answered(signals, self._retrieve(clause_scores), best_clause, None)
        nearest = float((signals.intent_scores / self._bar).max()) if self.routes else 0.0
        doubt = 1.0 - max(best_clause / t.clause, nearest)
        if signals.domain >= t.domain:
            return self._make(signals, "fallback", 0.5 + doubt / 2)
        return self._make(signals, "out_of_scope", 0.5 + doubt / 2)

    # --- search --------------------------------------------------------------------------------

    def _complete(self, query: str, most: int = 12) -> Query:
        """The query with its last, perhaps unfinished, word also read as a prefix."""
        raw = self.analyzer.raw_words(query)
        if not raw or query[-1:].isspace() or len(raw[-1]) < 2 or not raw[-1].isalpha():
            return self.analyse(query)
        last = raw[-1]
        completions = [w for w in self._completions if w.startswith(last) and w != last][:most]
        if not completions:
            return self.analyse(query)
        words = self.analyzer.words(query)[:-1]  # one word per raw word, typos corrected
        if last in self.analyzer.vocabulary:
            words.append(last)
        words += completions
        return Query(tuple(words), tuple(self.analyzer.terms(words)), " ".join(words))

    def search(self, query: str, limit: int = 5, *, prefix: bool = False) -> list[SearchHit]:
        """Clauses ranked against the query; with `prefix`, its last word may be unfinished
        ("coo" finds cookies), for searching as someone types."""
        analysed = self._complete(query) if prefix else self.analyse(query)
        scores = self.clause_index.scores(analysed.features)
        stems = set(analysed.terms)
        hits: list[SearchHit] = []
        for i in top(scores, limit):
            if scores[i] <= 0:
                break
            clause = self.policy.clauses[int(i)]
            matched = tuple(
                sorted(
                    w for w in self._clause_words[int(i)] if stems & set(self.analyzer.terms([w]))
                )
            )
            hits.append(SearchHit(clause, round(float(scores[i]), 4), matched))
        return hits
