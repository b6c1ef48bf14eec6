"""Intent routing: which curated intent, generic topic or conversational intent a question
matches, and how well. Built once from the intents and the policy they cite."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa_service.corpus import Clause, Policy, holds
from qa_service.engine.analysis import Analyzer, Query, fold, ngrams
from qa_service.engine.retrieval import Floats, FuzzyIndex, Postings, TermIndex
from qa_service.engine.tuning import Tuning
from qa_service.errors import IntentError
from qa_service.intents import Intent


@dataclass(frozen=True, slots=True)
class Route:
    intent: Intent
    clauses: tuple[Clause, ...] = ()  # what an answer intent cites, or a topic's covered clauses

    @property
    def answers(self) -> bool:
        """Whether matching this route answers from the policy (a curated answer, a topic the
        policy covers), rather than replying with a template."""
        return self.intent.kind == "answer" or (self.intent.kind == "topic" and bool(self.clauses))


def _flat(text: str) -> str:
    return " ".join(fold(text).split())


def resolve(
    intents: Sequence[Intent],
    policy: Policy,
    values: Sequence[frozenset[str]] | None = None,
) -> tuple[Route, ...]:
    """Each intent with the clauses it cites (answer) or that cover it (topic: a clause saying
    one of its evidence phrases or holding a value of a kind it names; `values`: what each
    clause holds, if already known)."""
    flat = [_flat(c.text) for c in policy.clauses]
    if values is None:
        values = [holds(c.text) for c in policy.clauses]
    return tuple(_resolve(intent, policy.clauses, flat, values) for intent in intents)


def _resolve(
    intent: Intent,
    clauses: Sequence[Clause],
    flat: Sequence[str],
    values: Sequence[frozenset[str]],
) -> Route:
    if intent.kind == "answer":
        cited: list[Clause] = []
        for phrase in intent.cite:
            needle = _flat(phrase)
            found = [c for c, text in zip(clauses, flat, strict=True) if needle in text]
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
            cited += found
        return Route(intent, tuple(cited))
    if intent.kind == "topic":
        evidence = re.compile(
            r"\b(?:" + "|".join(re.escape(_flat(p)) for p in intent.evidence) + r")\w*"
        )
        covered = [
            c
            for c, text, value in zip(clauses, flat, values, strict=True)
            if evidence.search(text) or not value.isdisjoint(intent.holds)
        ]
        return Route(intent, tuple(covered))
    return Route(intent)


CHAT = ("smalltalk", "handoff", "out_of_scope")  # conversational kinds: they reply, never cite
NEAR_COPY = 0.85  # fuzzy ratio at which a message of function words matches an example


class Router:
    """Scores every route for a question: its best example's blend of word, character and
    fuzzy similarity, plus support from retrieval finding a clause it cites, plus its cues.

    Routes fire only when asked: a generic topic only when the question names it (says one of
    its cues); a conversational intent only for a chatty message, one whose words its examples
    use, all but one at most (any number, off-topic), and no privacy word they do not ("can
    any 3rd party see my chats?" is not "see you", "can someone send my kid a message" is not
    asking for a person), unless it says one of the intent's cues."""

    def __init__(self, routes: Sequence[Route], analyzer: Analyzer, tuning: Tuning) -> None:
        self.routes = tuple(routes)
        self.tuning = tuning
        owners: list[int] = []
        texts: list[str] = []
        for n, route in enumerate(self.routes):
            intent = route.intent
            for example in (*intent.examples, *([intent.question] if intent.question else [])):
                owners.append(n)
                texts.append(" ".join(analyzer.raw_words(example)))
        # Examples come route by route: a route's best example is a maximum over one run.
        self._starts = np.flatnonzero(np.diff(np.asarray([-1, *owners], dtype=np.intp)))
        self._words = TermIndex([ngrams(analyzer.terms(t.split())) for t in texts])
        self._chars = TermIndex([analyzer.char_ngrams(t.split()) for t in texts])
        self._fuzzy = FuzzyIndex(texts)
        self._postings = Postings(self._words.matrix, self._chars.matrix)  # both in one gather
        # Cue phrases, padded with spaces so that one is said when its words follow one
        # another in the question's words; with the route each belongs to.
        # By their first word, so only the cues that may follow a word of the question are
        # looked for.
        self._cues: dict[str, list[tuple[int, str]]] = {}
        for n, r in enumerate(self.routes):
            for cue in r.intent.cues:
                if words := analyzer.raw_words(cue):
                    self._cues.setdefault(words[0], []).append((n, f" {' '.join(words)} "))
        # The clauses curated answers cite, answer by answer, for the support retrieval gives:
        # each answer's best cited clause is a maximum over one run.
        citing = [r for r in self.routes if r.intent.kind == "answer" and r.clauses]
        self._citing = np.asarray(
            [n for n, r in enumerate(self.routes) if r.intent.kind == "answer" and r.clauses],
            dtype=np.intp,
        )
        self._cited = np.asarray([c.position - 1 for r in citing for c in r.clauses], dtype=np.intp)
        self._cited_starts = np.cumsum([0, *(len(r.clauses) for r in citing[:-1])])
        self.bars = np.asarray([tuning.bar(r.intent.kind) for r in self.routes], dtype=np.float64)
        self._topics = np.asarray([r.intent.kind == "topic" for r in self.routes], dtype=bool)
        self._answers = np.asarray([r.intent.kind == "answer" for r in self.routes], dtype=bool)
        vocabularies: dict[int, set[str]] = {}
        for n, text in zip(owners, texts, strict=True):
            if self.routes[n].intent.kind in CHAT:
                vocabularies.setdefault(n, set()).update(analyzer.terms(text.split()))
        self._chat = {n: frozenset(v) for n, v in vocabularies.items()}
        self._privacy = frozenset(analyzer.related)  # words a question about privacy uses
        self._ignored = analyzer.ignored
        # An off-topic message may say anything at all but privacy words: no vocabulary of its
        # examples covers the weather in every city.
        self._off_topic = frozenset(
            n for n in self._chat if self.routes[n].intent.kind == "out_of_scope"
        )

    def scores(self, query: Query, clause_scores: Floats) -> Floats:
        if not self.routes:
            return np.zeros(0)
        t = self.tuning
        words = self._words.weigh(query.features)
        grams, chars = self._chars.weigh(query.chars)
        if query.terms:
            examples = self._postings.gather(
                (words[0], t.word * words[1]), (grams, t.char * chars)
            ) + t.fuzzy * self._fuzzy.scores(query.text)
        else:  # only function words ("who are you?"): how they are strung is all there is,
            # and only a near copy of an example counts ("do you?" is not "see you")
            examples = self._fuzzy.scores(query.text)
            examples[examples < NEAR_COPY] = 0.0
        scores = np.maximum.reduceat(examples, self._starts)
        if self._citing.size:
            best = np.maximum.reduceat(clause_scores[self._cited], self._cited_starts)
            scores[self._citing] += t.support * best
        said = f" {query.text} "
        cues = {c for word in set(query.words) for c in self._cues.get(word, ())}
        cued = np.bincount(
            [n for n, cue in cues if cue in said], minlength=len(self.routes)
        ).astype(np.float64)
        scores += t.cue * cued
        scores[self._topics & (cued == 0)] = 0.0  # a topic the question does not name
        terms = set(query.terms) - self._ignored
        for n, vocabulary in self._chat.items():
            other = terms - vocabulary
            if not cued[n] and (
                not self._privacy.isdisjoint(other) or (len(other) > 1 and n not in self._off_topic)
            ):
                scores[n] = 0.0  # not a chatty message, whatever its words resemble
        return np.asarray(scores, dtype=np.float64)

    def best(self, scores: Floats) -> tuple[Route, float] | None:
        """The best route that passes its bar, and its score. A generic topic yields to a
        curated answer that also passes and cites one of the topic's clauses: that one was
        written for this very policy."""
        passing = np.flatnonzero(scores >= self.bars)
        if not passing.size:
            return None
        ranked = passing[np.argsort(-scores[passing], kind="stable")].tolist()
        first = self.routes[ranked[0]]
        if first.intent.kind == "topic" and first.clauses:
            covered = {c.id for c in first.clauses}
            for n in ranked[1:]:
                other = self.routes[n]
                if other.intent.kind == "answer" and covered & {c.id for c in other.clauses}:
                    return other, float(scores[n])
        return first, float(scores[ranked[0]])

    def intent_strength(self, scores: Floats) -> float:
        """The best curated answer's score over its bar (1: at the bar; 0: none)."""
        strengths = (scores / self.bars)[self._answers]
        return float(strengths.max()) if strengths.size else 0.0
