"""Policy text (Markdown, plain text or HTML) to sections, paragraphs and clauses, with the
policy's own metadata (owner, effective date, contacts); nothing here knows any one policy."""

from __future__ import annotations

from qa_service.corpus.details import ANSWERING, HOLDS, holds, parse_date
from qa_service.corpus.model import Clause, Contact, Format, Policy, Section
from qa_service.corpus.parse import clause_id, detect_format, load_policy, normalise, parse_policy
from qa_service.corpus.sentences import split_sentences

__all__ = [
    "ANSWERING",
    "HOLDS",
    "Clause",
    "Contact",
    "Format",
    "Policy",
    "Section",
    "clause_id",
    "detect_format",
    "holds",
    "load_policy",
    "normalise",
    "parse_date",
    "parse_policy",
    "split_sentences",
]
