"""What the engine gives back: answers with their citations, and search hits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qa_service.corpus import Clause, Contact

Status = Literal["answered", "fallback", "out_of_scope", "handoff", "smalltalk"]
STATUSES: tuple[Status, ...] = ("answered", "fallback", "out_of_scope", "handoff", "smalltalk")


@dataclass(frozen=True, slots=True)
class Citation:
    clause: Clause
    score: float  # the clause's retrieval score for the question


@dataclass(frozen=True, slots=True)
class Answer:
    status: Status
    answer: str
    citations: tuple[Citation, ...]
    confidence: float
    contact: Contact
    suggestions: tuple[str, ...]
    intent: str | None = None
    language: str | None = None  # the question's, when the policy is not written in it


@dataclass(frozen=True, slots=True)
class SearchHit:
    clause: Clause
    score: float
    matched: tuple[str, ...]  # words of the clause that matched the query
