"""Composing the reply: the quoted clauses, the reply templates with the policy's own contacts,
and suggested questions near the one asked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from qa_service.corpus import Clause, Contact, Policy
from qa_service.engine.analysis import Analyzer, Query, ngrams
from qa_service.engine.decision import Decision
from qa_service.engine.results import Answer, Citation
from qa_service.engine.retrieval import Floats, TermIndex, top
from qa_service.engine.routing import Route
from qa_service.engine.tuning import Tuning

# Sentences that lean on the one before them ("This is all kept strictly confidential.")
# are shown with it, so the quoted answer makes sense on its own; "This policy..." does not.
# So are list items with the lead-in they complete.
_ANAPHOR = re.compile(
    r"^(this|these|that|those|it|they|such|however)\b"
    r"(?!\s+(?:privacy\s+)?(?:policy|statement|notice)\b)",
    re.I,
)


def fill(template: str, owner: str | None, contact: Contact, no_contact: str) -> str:
    """A reply template with the policy's owner and contacts filled in."""
    ways = [f"email {contact.email}"] if contact.email else []
    ways += [f"call {contact.phone}"] if contact.phone else []
    return template.format(
        owner=owner or "the company",
        email=contact.email or "",
        phone=contact.phone or "",
        contact=" or ".join(ways) or no_contact,
    )


class Composer:
    """Builds Answers: the text, the citations and the suggestions."""

    def __init__(
        self,
        policy: Policy,
        contact: Contact,
        responses: Mapping[str, str],
        routes: Sequence[Route],
        analyzer: Analyzer,
        tuning: Tuning,
    ) -> None:
        self.policy = policy
        self.contact = contact
        self.tuning = tuning
        self._replies = {
            key: fill(text, policy.owner, contact, responses["no_contact"])
            for key, text in responses.items()
        }
        self._replies.update(
            {
                r.intent.name: fill(r.intent.response, policy.owner, contact, "")
                for r in routes
                if r.intent.response
            }
        )
        # Suggestions: curated questions first, then covered topics that no curated
        # question already answers, so visitors are not offered the same thing twice.
        curated = [r for r in routes if r.intent.kind == "answer" and r.intent.question]
        cited = {c.id for r in curated for c in r.clauses}
        topics = [
            r
            for r in routes
            if r.intent.kind == "topic" and r.intent.question and r.clauses
            if not cited & {c.id for c in r.clauses}
        ]
        self.pool = tuple((*curated, *topics))
        self._pool_cites = [frozenset(c.id for c in r.clauses) for r in self.pool]
        docs = [
            ngrams(
                analyzer.known_terms(
                    " ".join([r.intent.question or ""] + [c.text for c in r.clauses])
                )
            )
            for r in self.pool
        ]
        self._pool_index = TermIndex(docs)
        # How near each suggestion is to each clause, for "questions near what was cited".
        self._near_clause = np.asarray(
            [self._pool_index.scores(ngrams(analyzer.known_terms(c.text))) for c in policy.clauses]
        ).reshape(len(policy.clauses), len(self.pool))

    def answer(
        self, decision: Decision, query: Query, clause_scores: Floats, cited: int | None
    ) -> Answer:
        route = decision.route
        citations: list[Citation] = []
        if decision.status == "answered" and cited is not None:
            citations = self._citations(route, clause_scores, cited)
            text = self._quote(citations, route)
        elif route is not None and route.intent.name in self._replies:
            text = self._replies[route.intent.name]
        else:
            text = self._replies.get(decision.status, self._replies["fallback"])
        name = route.intent.name if route is not None else None
        return Answer(
            status=decision.status,
            answer=text,
            citations=tuple(citations),
            confidence=round(min(max(decision.confidence, 0.0), 1.0), 3),
            contact=self.contact,
            suggestions=self._suggest(query, [c.clause for c in citations], name),
            intent=name,
        )

    def _citations(self, route: Route | None, scores: Floats, cited: int) -> list[Citation]:
        """A curated answer's clauses as it cites them; else the cited clause, then the next
        best clauses that score nearly as well."""
        t = self.tuning
        clauses = self.policy.clauses
        if route is not None and route.intent.kind == "answer":
            return [Citation(c, float(scores[c.position - 1])) for c in route.clauses]
        first = Citation(clauses[cited], float(scores[cited]))
        others = [
            Citation(clauses[i], float(scores[i]))
            for i in top(scores, t.max_citations).tolist()
            if i != cited and scores[i] > 0 and scores[i] >= t.also_cite * first.score
        ]
        return [first, *others][: t.max_citations]

    def _quote(self, citations: list[Citation], route: Route | None) -> str:
        """The cited clauses' text: every one a curated intent cites, else the best."""
        quote_all = route is not None and route.intent.kind == "answer"
        quoted: list[str] = []
        for citation in citations if quote_all else citations[:1]:
            clause = citation.clause
            previous = self.policy.previous(clause)
            quote = clause.text
            if ":" in clause.context:  # a list item under its lead-in: "We do not log: your IP"
                quote = f"{clause.context} {clause.text}"
            elif previous is not None and _ANAPHOR.match(clause.text):
                quote = f"{previous.text} {clause.text}"
            if not any(quote in q or clause.text in q for q in quoted):
                quoted.append(quote)
        text = " ".join(quoted)
        if route is not None and route.intent.lead:
            text = f"{route.intent.lead} {text}"
        return text

    def _suggest(
        self, query: Query, cited: Sequence[Clause], intent: str | None, limit: int = 3
    ) -> tuple[str, ...]:
        """Questions near this one and its clauses, never the one just answered."""
        if not self.pool:
            return ()
        scores = self._pool_index.scores(query.features)
        for clause in cited:
            scores = scores + self._near_clause[clause.position - 1]
        excluded = {c.id for c in cited}
        picked: list[str] = []
        for i in np.argsort(-scores, kind="stable").tolist():
            route = self.pool[i]
            if route.intent.name == intent or not excluded.isdisjoint(self._pool_cites[i]):
                continue
            picked.append(route.intent.question or "")
            if len(picked) == limit:
                break
        return tuple(picked)
