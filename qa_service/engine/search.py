"""Search as someone types: clauses ranked against the words so far, the last one perhaps
unfinished ("coo" finds cookies), with the words of each clause that matched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from qa_service.corpus import Policy
from qa_service.engine.analysis import Analyzer, Query
from qa_service.engine.results import SearchHit
from qa_service.engine.retrieval import Floats, top

# An unfinished word is read as at most this many of the policy's words it may complete to.
COMPLETIONS = 12


class Searcher:
    def __init__(
        self, policy: Policy, analyzer: Analyzer, scores: Callable[[Query], Floats]
    ) -> None:
        self.policy = policy
        self.analyzer = analyzer
        self._scores = scores
        self._clause_words = [frozenset(analyzer.raw_words(c.text)) for c in policy.clauses]
        # What an unfinished word may complete to: the clauses' words, those in the most
        # clauses first.
        counts = Counter(w for words in self._clause_words for w in words if w.isalpha())
        self._completions = sorted(counts, key=lambda w: (-counts[w], w))

    def _complete(self, text: str) -> Query:
        """The query with its last, perhaps unfinished, word also read as a prefix."""
        raw = self.analyzer.raw_words(text)
        if not raw or text[-1:].isspace() or len(raw[-1]) < 2 or not raw[-1].isalpha():
            return self.analyzer.query(text)
        last = raw[-1]
        completions = [w for w in self._completions if w.startswith(last) and w != last]
        if not completions:
            return self.analyzer.query(text)
        words = self.analyzer.words(text)[:-1]  # one word per raw word, typos corrected
        if len(last) >= 3 and last in self.analyzer.known:
            words.append(last)
        words += completions[:COMPLETIONS]
        return self.analyzer.query_of(words)

    def search(self, text: str, limit: int = 5, *, prefix: bool = False) -> list[SearchHit]:
        query = self._complete(text) if prefix else self.analyzer.query(text)
        scores = self._scores(query)
        terms = set(query.terms)
        hits: list[SearchHit] = []
        for i in top(scores, limit).tolist():
            if scores[i] <= 0:
                break
            matched = sorted(w for w in self._clause_words[i] if self.analyzer.term(w) in terms)
            hits.append(
                SearchHit(self.policy.clauses[i], round(float(scores[i]), 4), tuple(matched))
            )
        return hits
